"""Plain-English error pages with a way back, for pages and for htmx requests alike."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, render_template, request
from flask.globals import request_ctx
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.rendering import redirect_to_sign_in, wants_fragment

TITLES = {
    400: "Sorry, there is a problem with the request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, you cannot do that here",
    413: "The file is too big",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}

# Fields never echoed back to the person, even on the page that protects what they typed.
SECRET_FIELDS = {"password", "new_password", "confirm_password", "csrf_token"}


def _origin(url: str | None) -> tuple[str, str] | None:
    if not url:
        return None
    parts = urlsplit(url)
    return (parts.scheme.lower(), parts.netloc.lower())


def _sent_from_our_pages() -> bool:
    """True unless the browser said the form was sent from another site.

    Browsers send `Origin` with every POST (and `Referer` unless told not to); a request that
    names neither is treated as our own, as no browser sends a cross-site form without them.
    """
    ours = _origin(request.host_url)
    claimed = request.headers.get("Origin") or request.referrer
    if not claimed or claimed == "null":
        return claimed is None
    return _origin(claimed) == ours


def _own_path(url: str | None) -> str | None:
    """The path of a link on our own site, never a link to another one."""
    if not url or _origin(url) != _origin(request.host_url):
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _render(status: int, **context):
    template = "errors/fragment.html" if wants_fragment() else "errors/error.html"
    return (
        render_template(
            template, status=status, page_title=TITLES.get(status, TITLES[500]), **context
        ),
        status,
    )


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        # Show what they typed so nothing is lost; never re-submit it for them (that would turn
        # a forged request into a real one). But only when the form came from our own pages: a
        # forged POST from another site must not put its words on our page, nor a "Go back"
        # link to itself.
        if not _sent_from_our_pages():
            return _render(400, csrf=True, typed=[], back_url=None)
        if request.headers.get("HX-Request") == "true" and not current_user.is_authenticated:
            # The session (and its form token) ended, say during a live search: sign in again.
            return redirect_to_sign_in()
        typed = [
            (key, value)
            for key, value in request.form.items(multi=True)
            if key not in SECRET_FIELDS and value.strip()
        ]
        return _render(400, csrf=True, typed=typed, back_url=_own_path(request.referrer))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if request_ctx.url_adapter is None:
            # The request named a host not in TRUSTED_HOSTS: no page (and no link) can be built
            # for it, so answer in plain words.
            return Response(TITLES.get(status, TITLES[400]), status, mimetype="text/plain")
        context = {}
        if status == 413:
            context["max_mb"] = app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)
        if status == 429:
            context["retry"] = error.description
        return _render(status, csrf=False, typed=[], back_url=None, **context)

    @app.errorhandler(500)
    def unexpected_error(error: Exception):
        # Flask has already logged the exception; tests see it raised (PROPAGATE_EXCEPTIONS).
        return _render(500, csrf=False, typed=[], back_url=None)
