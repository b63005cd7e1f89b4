"""One URL, two renderings: a whole page, or just its fragment for a non-boosted htmx request."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, redirect, render_template, url_for
from htmx_flask import make_response, request


def wants_fragment() -> bool:
    """True for htmx requests that will swap part of the page (not boosted navigation)."""
    return bool(request.htmx) and not request.htmx.boosted


def render_page(
    template: str, fragment: str | None = None, status: int = 200, **context
) -> Response:
    """Render `template`, or only `fragment` (a template the page includes) for htmx.

    The response varies on HX-Request so no cache ever serves a fragment as a page.
    """
    chosen = fragment if fragment and wants_fragment() else template
    response = make_response(render_template(chosen, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect_to_sign_in() -> Response:
    """Send a signed-out person to the sign-in page, coming back afterwards.

    htmx never sees a 3xx: the browser follows it and htmx would swap the sign-in page into the
    fragment's place. So htmx requests get 204 with `HX-Redirect`, which makes htmx load the
    sign-in page as a whole page, with `next` naming the page the person was on (the htmx URL
    itself may answer only POST or only a fragment).
    """
    if request.htmx:
        target = url_for("accounts.sign_in", next=_htmx_page())
        response = make_response("", 204, redirect=target)
    else:
        response = redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
    response.vary.add("HX-Request")
    return response


def _htmx_page() -> str | None:
    """The path of the page showing in the browser, when it is on this site."""
    current = urlsplit(request.htmx.current_url or "")
    if current.netloc != request.host or current.scheme not in ("http", "https"):
        return request.full_path.rstrip("?") if request.method == "GET" else None
    return current.path + (f"?{current.query}" if current.query else "")
