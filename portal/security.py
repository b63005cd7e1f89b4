"""Security headers for every response."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_security_headers(app: Flask) -> None:
    production = app.config["PORTAL_ENV"] == "production"

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if production:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        is_static = request.endpoint == "static"
        # `is_anonymous`, not `is_authenticated`: the latter reads `active`, which after the
        # request's commit (the audit record) costs a query to load again.
        if not is_static and current_user and not current_user.is_anonymous:
            # Pages with personal data must not be kept by the browser or any cache.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
