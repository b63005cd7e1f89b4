"""Static files are cached for a year under fingerprinted URLs; pages and assets are compressed."""

from __future__ import annotations

import gzip
import re

import brotli

from portal.accounts.models import Role
from tests import factories


def _fetch(client, url: str, **headers):
    """A static file's response, read and closed (as a server closes the file after sending)."""
    with client.get(url, headers=headers) as response:
        response.get_data()
    return response


def _stylesheet_url(html: str) -> str:
    match = re.search(r'href="(/static/build/portal\.css\?v=[0-9a-f]{12})"', html)
    assert match, "the stylesheet link has no fingerprint"
    return match.group(1)


def test_fingerprinted_assets_are_cached_for_a_year(app):
    """Assets linked from a page carry a fingerprint and may be kept for a year, unchanged; the
    same file without its current fingerprint is not cached that way."""
    client = app.test_client()
    page = client.get("/sign-in")
    url = _stylesheet_url(page.get_data(as_text=True))
    asset = _fetch(client, url)
    assert asset.status_code == 200
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Set-Cookie" not in asset.headers
    assert "Cookie" not in asset.headers.get("Vary", "")
    stale = _fetch(client, url.split("?")[0] + "?v=000000000000")
    assert "immutable" not in stale.headers.get("Cache-Control", "")
    for script in re.findall(r'src="(/static/[^"]+)"', page.get_data(as_text=True)):
        assert "?v=" in script, script


def test_pages_and_assets_are_compressed_for_browsers_that_accept_it(app):
    """The same page comes gzipped or brotli-compressed, as the browser asks, and smaller."""
    client = app.test_client()
    plain = client.get("/sign-in").get_data()
    zipped = client.get("/sign-in", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(zipped.get_data()) < len(plain) / 2
    assert b"<h1" in gzip.decompress(zipped.get_data())
    stylesheet = _stylesheet_url(plain.decode())
    css = _fetch(client, stylesheet, **{"Accept-Encoding": "br"})
    assert css.headers["Content-Encoding"] == "br"
    assert brotli.decompress(css.get_data()) == _fetch(client, stylesheet).get_data()


def test_signed_in_pages_are_still_never_stored(app, client_request):
    """Compression changes nothing about caching: personal pages stay `no-store`."""
    client_request.sign_in_as(factories.make_user(Role.PARENT, name="Pat Parent"))
    response = client_request.client.get("/home", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Encoding"] in {"br", "gzip"}


def test_public_pages_set_no_session_cookie(app):
    """Anyone may read the start page without being given a session cookie (so a shared cache
    may keep it); the sign-in page still gives one, for its form's CSRF token."""
    client = app.test_client()
    start = client.get("/")
    assert start.status_code == 200
    assert "Set-Cookie" not in start.headers
    assert "Set-Cookie" in client.get("/sign-in").headers


def test_modules_imported_by_our_script_are_fingerprinted_too(app):
    """GOV.UK Frontend's module, imported by our script rather than linked from the page, is
    named with its fingerprint as well, so it is kept for a year like the rest."""
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    script_url = re.search(r'src="(/static/build/js/portal\.js\?v=[0-9a-f]{12})"', page)
    assert script_url
    script = _fetch(client, script_url.group(1)).get_data(as_text=True)
    imported = re.search(r'from "\./(govuk-frontend\.min\.js\?v=[0-9a-f]{12})"', script)
    assert imported, "portal.js imports GOV.UK Frontend without a fingerprint"
    module = _fetch(client, "/static/build/js/" + imported.group(1))
    assert module.status_code == 200
    assert module.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_first_visit_to_a_family_case_page_transfers_under_50_kb(app, client_request, family_case):
    """A parent's first visit on a slow phone connection: the case page and everything it loads
    (stylesheet, scripts and the module our script imports), as a browser accepting brotli
    receives them, come to no more than 50 KB. A repeat visit fetches only the page."""
    client_request.sign_in_as(family_case.grants[0].user)
    client = client_request.client
    br = {"Accept-Encoding": "gzip, deflate, br"}
    page = client.get(f"/cases/{family_case.public_id}", headers=br)
    assert page.status_code == 200
    html = brotli.decompress(page.get_data()).decode()
    assert "<h1" in html
    assets = re.findall(r'(?:href|src)="(/static/build/[^"]+\?v=[0-9a-f]{12})"', html)
    assert len(assets) >= 3, assets
    sizes = {"page": len(page.get_data())}
    for url in assets:
        asset = _fetch(client, url, **br)
        assert asset.headers["Content-Encoding"] == "br", url
        assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        sizes[url] = len(asset.get_data())
        if url.startswith("/static/build/js/portal.js"):
            body = brotli.decompress(asset.get_data()).decode()
            module = re.search(r'from "\./(govuk-frontend\.min\.js\?v=[0-9a-f]{12})"', body)
            assert module
            module_url = "/static/build/js/" + module.group(1)
            sizes[module_url] = len(_fetch(client, module_url, **br).get_data())
    assert sum(sizes.values()) <= 50 * 1024, sizes


def test_precompressed_assets_are_the_same_file(app):
    """The brotli and gzip copies made at build time unpack to exactly the file itself, and a
    browser that accepts neither gets the plain file."""
    client = app.test_client()
    url = _stylesheet_url(client.get("/sign-in").get_data(as_text=True))
    plain = _fetch(client, url, **{"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    as_br = _fetch(client, url, **{"Accept-Encoding": "br"})
    as_gzip = _fetch(client, url, **{"Accept-Encoding": "gzip"})
    assert brotli.decompress(as_br.get_data()) == plain.get_data()
    assert gzip.decompress(as_gzip.get_data()) == plain.get_data()
    assert "Accept-Encoding" in as_br.headers["Vary"]
    assert as_br.headers["ETag"] != plain.headers["ETag"]
