"""Public pages: the start page and the plain-language content anyone may read.

The words come from the database: the published revision of each content page (see
`portal.content.pages`). A page that is not published answers 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from portal import access, clock
from portal.cases.tracker import general_pathway
from portal.content.pages import BAND_PAGES, HELP_PAGES, published_page, published_pages
from portal.funding.money import (
    BANDS,
    MAINSTREAM_THRESHOLD_PENCE,
    FinancialYear,
    SettingType,
    mainstream_split,
)
from portal.funding.tariff import load_year

bp = Blueprint("pages", __name__)


@bp.get("/")
@access.public
def start():
    if current_user.is_authenticated:
        return redirect(url_for("cases.home"))
    return render_template("pages/start.html")


#: Pages about people's information also give the data protection officer's details.
DATA_PROTECTION_PAGES = {"privacy-notice", "who-can-see-my-information"}


def _content(slug: str, template: str = "pages/content.html", **context):
    page = published_page(slug)
    if page is None:
        abort(404)
    return render_template(
        template, page=page, data_protection=slug in DATA_PROTECTION_PAGES, **context
    )


@bp.get("/pledge")
@access.public
def pledge():
    return _content("pledge")


@bp.get("/the-ehc-pathway")
@access.public
def pathway():
    """The EHC pathway in general: the visual steps, then the content editors' explanation."""
    return _content("pathway", "pages/pathway.html", steps=general_pathway())


@bp.get("/help")
@access.public
def help_index():
    pages = published_pages(HELP_PAGES)
    return render_template("pages/help.html", pages=pages)


@bp.get("/help/<slug:slug>")
@access.public
def help_page(slug: str):
    if slug not in HELP_PAGES:
        abort(404)
    return _content(slug)


@bp.get("/banded-funding")
@access.public
def banded_funding():
    """How banded funding works, with the descriptor pages for each area of need listed."""
    stored = load_year(FinancialYear.containing(clock.today()))
    return _content(
        "banded-funding",
        "pages/banded_funding.html",
        stored=stored,
        settings=list(SettingType),
        bands=BANDS,
        threshold=MAINSTREAM_THRESHOLD_PENCE,
        mainstream_split=mainstream_split,
    )


@bp.get("/banded-funding/<slug:slug>")
@access.public
def band_descriptors(slug: str):
    """What bands 1 to 6 mean for one broad area of need."""
    if slug not in BAND_PAGES:
        abort(404)
    return _content(slug)


@bp.get("/accessibility")
@access.public
def accessibility():
    return _content("accessibility-statement")


@bp.get("/privacy")
@access.public
def privacy():
    return _content("privacy-notice")
