"""Static files and compression: fingerprinted asset URLs cached for a year, compressed text.

- Every `url_for("static", filename=...)` gets `?v=<first 12 hex digits of the file's SHA-256>`.
  A request carrying the file's current fingerprint is answered with
  `Cache-Control: public, max-age=31536000, immutable`, so a repeat visit fetches only the HTML;
  a changed file has a new URL, so nobody keeps an old copy. Fingerprints are worked out once
  per file per worker (the files do not change while the app runs).
- The build writes each compiled asset once more as `.br` (brotli, quality 11) and `.gz` (gzip,
  level 9); a browser that accepts one is sent that copy, the smallest there is, without any
  compressing per request.
- HTML, CSS, JavaScript, SVG and JSON responses are compressed (brotli or gzip, as the browser
  accepts) by Flask-Compress. Signed-in pages are compressed too: BREACH-style attacks need the
  victim's browser to send many cross-site requests with the session cookie, which the
  `SameSite=Lax` session cookie does not allow, and the CSRF token in each page is signed afresh
  with a timestamp.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_compress import Compress

YEAR = 365 * 24 * 60 * 60
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "image/svg+xml",
    "application/json",
]


class NoSessionOnStaticFiles(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a static file's response never carries a
    session cookie or `Vary: Cookie` (Flask-Login looks at the session after every response,
    which would otherwise mark every asset as different for each visitor)."""

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def _precompressed_copy(static_folder: Path, filename: str) -> tuple[str, bytes] | None:
    """The build's brotli or gzip copy of a static file, if the browser accepts one and it exists
    (the filename has already been checked to be inside the static folder by `send_file`)."""
    accepted = request.accept_encodings
    for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
        if accepted[encoding] > 0:
            copy = static_folder / (filename + suffix)
            if copy.is_file():
                return encoding, copy.read_bytes()
    return None


def init_assets(app: Flask) -> None:
    app.session_interface = NoSessionOnStaticFiles()
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)
    static_folder = Path(app.static_folder or "static")
    fingerprints: dict[str, str | None] = {}

    def fingerprint(filename: str) -> str | None:
        if filename not in fingerprints:
            path = (static_folder / filename).resolve()
            inside = path.is_relative_to(static_folder.resolve()) and path.is_file()
            fingerprints[filename] = (
                hashlib.sha256(path.read_bytes()).hexdigest()[:12] if inside else None
            )
        return fingerprints[filename]

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = fingerprint(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_fingerprinted(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args.get("v") == fingerprint(filename):
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        precompressed = _precompressed_copy(static_folder, filename)
        if precompressed is not None:
            encoding, body = precompressed
            response.close()  # the plain file, opened by send_file, is not sent
            etag, _weak = response.get_etag()
            response.direct_passthrough = False
            response.set_data(body)
            response.headers["Content-Encoding"] = encoding
            response.vary.add("Accept-Encoding")
            if etag:
                response.set_etag(f"{etag}-{encoding}")
            return response
        # Read the file into the response (closing it when the response closes), so that it is
        # compressed whole: Flask-Compress's streaming path drops the file's close().
        response.direct_passthrough = False
        response.make_sequence()
        return response
