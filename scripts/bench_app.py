"""The portal as `scripts/bench.py` serves it: the app itself, plus one page that exists only here.

That page is the floor under every case page. It does the work that any view of a case must
do: it reads the signed-in person, loads the case with its access check, records the view in the
audit trail, and puts the case's reference in the layout. It has no sections and no timeline.
Its share of the bare app's requests a second is the most any case page can reach while each
view is checked and recorded as it is served.

It is never registered by `create_app`, so no real server has it. gunicorn serves
`scripts.bench_app:create_bench_app()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

FLOOR_PATH = "/bench/cases/{case_id}/floor"

_FLOOR_PAGE = """{% extends "base.html" %}
{% set page_title = case.reference %}
{% block content %}<h1 class="govuk-heading-l">{{ case.reference }}</h1>{% endblock %}"""


def create_bench_app() -> Flask:
    """The portal with the floor page added. The portal is imported here, not above: the
    benchmark reads `FLOOR_PATH` before it has set the environment the portal is made from."""
    from flask import g, render_template
    from flask_login import current_user

    from portal import access, create_app
    from portal.cases import services
    from portal.cases.models import Case
    from portal.cases.views import CASE_PAGE_LOADS

    app = create_app()
    template = app.jinja_env.from_string(_FLOOR_PAGE)  # compiled once, as a file's would be

    # The case is loaded as the case page loads it, so the floor pays the same price for the
    # person, the case and the access check.
    @access.load(Case, "case_id", access.Action.VIEW, options=CASE_PAGE_LOADS)
    def case_floor():
        page = render_template(template, case=g.case)
        services.record_view(current_user._get_current_object(), g.case)
        return page

    app.add_url_rule(
        FLOOR_PATH.format(case_id="<public_id:case_id>"), "bench_case_floor", case_floor
    )
    return app
