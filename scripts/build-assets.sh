#!/usr/bin/env bash
# Build the portal's front-end assets into static/build/ (ignored by git).
#
# Needs `npm ci` first; after that it works offline. Safe to run again: it
# rebuilds static/build/ from scratch each time, so nothing stale is left.
#
#   static/build/portal.css                GOV.UK Frontend + ours, compiled from static/src/portal.scss
#   static/build/js/htmx.min.js            htmx 2 (classic script)
#   static/build/js/govuk-frontend.min.js  GOV.UK Frontend's ES module
#   static/build/js/portal.js              our ES module (imports ./govuk-frontend.min.js)
#   static/build/axe.min.js                axe-core, for the browser tests only
#   static/build/**/*.br, *.gz             each text file compressed once (brotli 11, gzip 9)
#
# Deliberately not copied: GOV.UK Frontend's fonts (GDS Transport) and images
# (the crown favicon, GOV.UK icons and the Royal Arms crest). They are for
# GOV.UK services only; the council's own images live in static/images/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

modules="node_modules"
out="static/build"
start=$(date +%s%N)

for pkg in govuk-frontend htmx.org sass axe-core; do
  if [[ ! -d "$modules/$pkg" ]]; then
    echo "build-assets: $modules/$pkg is missing; run 'npm ci' first." >&2
    exit 1
  fi
done

# Build into a temporary folder and swap it in, so a failed build never leaves
# a half-written static/build/ behind for the server to use.
tmp="$(mktemp -d "static/.build-tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp" # mktemp makes it private; the web server must read it.
mkdir -p "$tmp/js"

# --quiet-deps: no deprecation noise from inside GOV.UK Frontend; warnings
# about our own files still show.
"$modules/.bin/sass" \
  --load-path="$modules" \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  static/src/portal.scss "$tmp/portal.css"

cp "$modules/htmx.org/dist/htmx.min.js" "$tmp/js/htmx.min.js"
cp "$modules/govuk-frontend/dist/govuk/govuk-frontend.min.js" "$tmp/js/govuk-frontend.min.js"
# The import names GOV.UK Frontend's module with its fingerprint (as portal/assets.py makes them:
# the first 12 hex digits of its SHA-256), so browsers may keep it for a year like every asset.
govuk_version=$(sha256sum "$tmp/js/govuk-frontend.min.js" | cut -c1-12)
sed "s|\"./govuk-frontend.min.js\"|\"./govuk-frontend.min.js?v=$govuk_version\"|" \
  static/src/portal.js > "$tmp/js/portal.js"
grep -q "govuk-frontend.min.js?v=$govuk_version" "$tmp/js/portal.js"
cp "$modules/axe-core/axe.min.js" "$tmp/axe.min.js"

# Checks: the council's CSS must not carry GOV.UK's font or crown.
if grep -q "GDS Transport" "$tmp/portal.css"; then
  echo "build-assets: portal.css mentions GDS Transport" >&2
  exit 1
fi
if grep -Eq "url\([^)]*\.(woff2?|ttf|otf|eot)|govuk-crest" "$tmp/portal.css"; then
  echo "build-assets: portal.css links to a font file or the GOV.UK crest" >&2
  exit 1
fi

# Smallest copies made once here, sent by portal/assets.py to browsers that accept them.
node scripts/precompress.mjs "$tmp"

rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT

end=$(date +%s%N)
css_bytes=$(wc -c <"$out/portal.css")
echo "build-assets: built $out/ in $(((end - start) / 1000000)) ms; portal.css is $((css_bytes / 1024)) KiB"
