"""Published content where people read it: the public pages (no sign-in) and the words about
the case's stage on the case page."""

from __future__ import annotations

import pytest

from portal.content import services
from portal.content.pages import section_paragraph
from portal.content.rendering import render_markdown
from portal.content.services import page_by_slug

PUBLIC = [
    ("pages.pledge", {}, "Our pledge to you"),
    ("pages.pathway", {}, "The EHC plan steps"),
    ("pages.help_index", {}, "Help"),
    ("pages.help_page", {"slug": "what-the-words-mean"}, None),
    ("pages.help_page", {"slug": "if-you-disagree"}, None),
    ("pages.help_page", {"slug": "who-can-see-my-information"}, None),
    ("pages.accessibility", {}, None),
    ("pages.privacy", {}, None),
    ("pages.banded_funding", {}, "How banded funding works"),
    ("pages.band_descriptors", {"slug": "bands-cognition-and-learning"}, None),
]


@pytest.mark.parametrize(("endpoint", "values", "heading"), PUBLIC)
def test_public_pages_render_for_anyone(client_request, content, endpoint, values, heading):
    """Signed out, every public page shows its published words, linked from the footer."""
    page = client_request.get(endpoint, **values)
    if heading:
        assert page.h1 == heading
    footer = {a.get_text(): a["href"] for a in page.html.select(".govuk-footer a")}
    assert footer["The pledge"] == "/pledge" and footer["Privacy notice"] == "/privacy"
    if endpoint != "pages.help_index":
        assert page.html.select_one(".portal-prose[hx-disable] p")


def test_signed_out_the_menu_leads_to_the_public_pages(client_request, content, parent):
    """Before signing in, the header menu offers what anyone may read; after, the person's own."""
    menu = {
        a.get_text(): a["href"]
        for a in client_request.get("pages.start").html.select("nav[aria-label=Menu] a")
    }
    assert menu == {"The EHC pathway": "/the-ehc-pathway", "The pledge": "/pledge", "Help": "/help"}
    for href in menu.values():
        assert client_request.client.get(href).status_code == 200
    client_request.sign_in_as(parent)
    signed_in = client_request.get("pages.help_index").texts("nav[aria-label=Menu] a")
    assert "My cases" in signed_in and "The EHC pathway" not in signed_in


def test_help_lists_the_published_help_pages(client_request, content, editor):
    """The help index links each help page; an unpublished one disappears from it."""
    titles = client_request.get("pages.help_index").texts("main li a")
    assert "What the words mean" in " ".join(titles)
    services.unpublish_page(editor, page_by_slug("what-the-words-mean"))
    titles = client_request.get("pages.help_index").texts("main li a")
    assert "What the words mean" not in " ".join(titles)
    client_request.get("pages.help_page", slug="what-the-words-mean", expected_status=404)


def test_only_help_pages_are_served_under_help(client_request, content):
    """/help/<slug> serves help pages, not any content page (pathway texts are not help)."""
    client_request.get("pages.help_page", slug="pathway-request-families", expected_status=404)
    client_request.get("pages.help_page", slug="no-such-page", expected_status=404)


def test_without_content_the_public_pages_are_404_not_500(client_request):
    """A database with no content yet answers "not found", never an error."""
    client_request.get("pages.pledge", expected_status=404)
    assert client_request.get("pages.help_index").h1 == "Help"


# --- The stage text on the case page -----------------------------------------------------------


def _stage_text(client_request, person, case):
    client_request.sign_in_as(person)
    page = client_request.get("cases.case_page", case_id=case.public_id)
    return page.text("[aria-labelledby=stage-text-heading]")


def test_each_reader_sees_the_stage_text_for_their_audience(
    client_request, content, parent, young_person, senco, case_officer, family_case
):
    """Parent, young person and professionals each read the published words written for them
    about the case's stage."""

    def first_words(slug):
        return services.current_revision(page_by_slug(slug)).title

    assert first_words("pathway-request-families") in _stage_text(
        client_request, parent, family_case
    )
    assert first_words("pathway-request-young-people") in _stage_text(
        client_request, young_person, family_case
    )
    for professional in (senco, case_officer):
        assert first_words("pathway-request-professionals") in _stage_text(
            client_request, professional, family_case
        )


def test_an_editor_publishes_and_the_parent_sees_the_new_words(
    client_request, new_client, content, editor, parent, family_case
):
    """The demo journey: the editor changes the families' text for this stage, previews it,
    saves it (the parent does not see it yet), publishes it, and the parent sees it."""
    parent_client = new_client()
    slug = "pathway-request-families"
    assert "We looked again at this step" not in _stage_text(parent_client, parent, family_case)

    client_request.sign_in_as(editor)
    form = client_request.get("content.edit_page", slug=slug).html.select_one(
        "form[action$='/edit']"
    )
    data = {
        "title": form.select_one("#title")["value"],
        "summary": form.select_one("#summary")["value"],
        "body": "We looked again at this step. The council will write to you soon.",
        "based_on": form.select_one("input[name=based_on]")["value"],
    }
    preview = client_request.post(
        "content.preview_page", data, url_values={"slug": slug}, htmx=True, expected_status=200
    )
    assert "We looked again at this step" in preview.text(".portal-prose")
    client_request.post("content.edit_page", data, url_values={"slug": slug})
    assert "We looked again at this step" not in _stage_text(parent_client, parent, family_case)

    client_request.post("content.publish_page", {"revision": 2}, url_values={"slug": slug})
    words = _stage_text(parent_client, parent, family_case)
    assert "We looked again at this step. The council will write to you soon." in words


def test_the_stage_text_sits_in_an_hx_disable_container_with_demoted_headings(
    client_request, content, parent, family_case
):
    """Content on the case page cannot trigger htmx, and its headings sit under the section's."""
    client_request.sign_in_as(parent)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    prose = page.html.select_one("[aria-labelledby=stage-text-heading] .portal-prose")
    assert prose.has_attr("hx-disable")
    assert prose.select("h2") == []
    assert prose.select("h3")


def test_no_published_stage_text_means_no_section(
    client_request, content, editor, parent, family_case
):
    """If the editors unpublish the stage text, the case page simply leaves the section out."""
    services.unpublish_page(editor, page_by_slug("pathway-request-families"))
    client_request.sign_in_as(parent)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert page.html.select_one("#stage-text-heading") is None


# --- The first paragraph of a section, for the case page's "Where we are" panel ----------------


def _html(markdown: str) -> str:
    """Sanitised HTML as a revision stores it."""
    return str(render_markdown(markdown))


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("## What happens next\n\nThe council writes.\n\nMore.", "The council writes."),
        ("## Before\n\nNo.\n\n## What happens next\n\nYes, this.", "Yes, this."),
        ("## what  happens   NEXT\n\nAny case and spacing.", "Any case and spacing."),
        ("## What happens next\n\nFish &amp; chips &lt;b&gt; &#163;5", "Fish & chips <b> £5"),
        ("## What happens next\n\nTom & Jerry < 5 > 3", "Tom & Jerry < 5 > 3"),
        ("## What happens next\n\nA **bold** [link](/help) `code`.", "A bold link code."),
        ("## What happens next\n\nOne line  \nand the next.", "One line and the next."),
        ("## What happens next\n\n<script>x()</script> hi", "<script>x()</script> hi"),
    ],
)
def test_section_paragraph_gives_the_first_paragraph_as_plain_text(markdown, expected):
    """The words under the heading, entities read and tags dropped, whitespace tidied."""
    assert section_paragraph(_html(markdown), "What happens next") == expected


@pytest.mark.parametrize(
    "markdown",
    [
        "## What is happening now\n\nNothing about next.",  # no such heading
        "Just a paragraph.",
        "### What happens next\n\nA smaller heading is not the section.",
        "## What happens next",  # empty at the end
        "## What happens next\n\n## What you can do\n\nNot this.",  # empty, then another
        "## What happens next\n\n- a list\n- instead\n\nThen a paragraph.",
        "## What happens next\n\n1. numbered\n2. list",
        "## What happens next\n\nYou can:\n\n- do this\n- or that",  # a list's lead-in
        "## What happens next\n\n> A quotation.",
        "## What happens next: soon\n\nA different heading.",
    ],
)
def test_section_paragraph_is_none_without_a_paragraph_to_show(markdown):
    """No heading, an empty section, or a section opening with a list or a lead-in: None, so
    the panel keeps its own words."""
    assert section_paragraph(_html(markdown), "What happens next") is None


def test_section_paragraph_reads_the_shipped_pages(content):
    """On the shipped families page for a request, the paragraph under "What happens next"."""
    page = services.current_revision(page_by_slug("pathway-request-families"))
    words = section_paragraph(page.safe_html, "What happens next")
    assert words.startswith("The council must tell you by letter if it will do an assessment.")
    assert section_paragraph(page.safe_html, "What you can do") is None  # a list


def test_band_descriptors_for_an_unknown_area_are_not_found(client_request, content):
    client_request.get("pages.band_descriptors", slug="what-the-words-mean", expected_status=404)


def test_banded_funding_shows_this_years_illustrative_tariff_and_the_mainstream_split(
    client_request, content
):
    """Schools and families read the top-up per band and setting, labelled as illustrative."""
    from portal import clock
    from portal.funding.money import FinancialYear
    from portal.funding.tariff import load_demo_tariffs

    page = client_request.get("pages.banded_funding")
    assert "has not set the top-up for each band" in page.text("main")
    assert page.html.select_one("table") is None
    load_demo_tariffs(FinancialYear.containing(clock.today()))
    page = client_request.get("pages.banded_funding")
    heading = page.html.select_one("h2#tariff").get_text()
    assert heading.startswith("Top-up for each band, April ")
    assert "illustrative" in page.html.select_one(".govuk-warning-text").get_text()
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in page.html.select("table tbody tr")
    ]
    assert len(rows) == 6
    band_1 = rows[0]
    assert band_1[0] == "Band 1"
    assert band_1[-1] == "£6,000 + " + band_1[1] + " = " + band_1[-1].split(" = ")[1]
