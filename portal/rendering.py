"""One URL, two renderings: a whole page, or just its fragment for a non-boosted htmx request."""

from __future__ import annotations

from flask import Response, make_response, render_template, request


def wants_fragment() -> bool:
    """True for htmx requests that will swap part of the page (not boosted navigation)."""
    return request.headers.get("HX-Request") == "true" and (
        request.headers.get("HX-Boosted") != "true"
    )


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
