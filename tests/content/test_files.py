"""The content files in `content/`: the format parser, and every shipped page."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from portal.accounts.models import Role
from portal.contacts import NATIONAL_SERVICES
from portal.content.files import (
    AUDIENCES,
    PATHWAY_AUDIENCES,
    PATHWAY_STAGES,
    ContentFile,
    ContentFormatError,
    default_content_folder,
    iter_content_files,
    load_content_file,
    parse_content,
    pathway_slug,
)
from portal.content.pages import BAND_PAGES
from portal.content.rendering import render_markdown
from portal.pathway import Audience, Stage

CONTENT = default_content_folder()
PAGES = list(iter_content_files(CONTENT))
PAGES_BY_SLUG = {page.slug: page for page in PAGES}

HELP_PAGES = {
    "what-the-words-mean",
    "if-you-disagree",
    "who-can-see-my-information",
    "accessibility-statement",
    "privacy-notice",
}
NO_OUTCOMES = ("not_assessing", "not_issuing", "ceased")

VALID = """---
slug: example-page
title: An example
summary: A short summary.
audience: families
---
Some text.
"""


# ---------------------------------------------------------------------------------------------
# The format


def test_parses_a_valid_file():
    """A well-formed file gives its four header fields and its body."""
    assert parse_content(VALID) == ContentFile(
        slug="example-page",
        title="An example",
        summary="A short summary.",
        audience="families",
        body="Some text.\n",
    )


def test_value_may_contain_a_colon_and_header_may_have_blank_lines():
    """Only the first colon splits key from value, so titles like "Step 1: ask" work."""
    text = VALID.replace("title: An example", "\ntitle: Step 1: ask for help\n")
    assert parse_content(text).title == "Step 1: ask for help"


def test_byte_order_mark_is_ignored():
    """Files saved by Windows editors with a byte order mark still parse."""
    assert parse_content("\ufeff" + VALID).slug == "example-page"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("slug: x\n---\nBody", "line 1: the file must start with a line '---'"),
        ("", "line 1: the file must start with a line '---'"),
        (VALID.replace("title: An example", "title An example"), "line 3: expected 'key: value'"),
        (VALID.replace("title:", "heading:"), "line 3: unknown key 'heading'"),
        (VALID.replace("summary:", "title:"), "line 4: the key 'title' appears twice"),
        (VALID.replace("A short summary.", " "), "line 4: the key 'summary' has no value"),
        (VALID.replace("summary: A short summary.\n", ""), "the header is missing: summary"),
        (VALID.replace("audience: families", "audience: parents"), "audience must be one of"),
        (VALID.replace("slug: example-page", "slug: Example Page"), "slug must be lowercase"),
        (VALID.replace("slug: example-page", "slug: under_score"), "slug must be lowercase"),
        (VALID.replace("---\nSome text.", "Some text."), "line 6: expected 'key: value'"),
        (VALID.replace("---\nSome text.\n", ""), "the header has no closing '---' line"),
        (VALID.replace("Some text.", "  \n"), "the page has no text after the header"),
    ],
)
def test_malformed_header_gives_a_clear_error(text, message):
    """Each mistake an editor might make is reported in words, with the line where possible."""
    with pytest.raises(ContentFormatError) as caught:
        parse_content(text, "page.md")
    assert str(caught.value).startswith("page.md")
    assert message in str(caught.value)


def test_slug_must_match_file_name(tmp_path):
    """A file's slug must equal its name, so a renamed file cannot hide a duplicate page."""
    path = tmp_path / "other-name.md"
    path.write_text(VALID, encoding="utf-8")
    with pytest.raises(ContentFormatError, match="does not match the file name"):
        load_content_file(path)


def test_iter_reads_only_markdown_files_in_name_order(tmp_path):
    """Only *.md files are pages, read in a stable order."""
    for slug in ("b-page", "a-page"):
        (tmp_path / f"{slug}.md").write_text(VALID.replace("example-page", slug), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a page", encoding="utf-8")
    assert [page.slug for page in iter_content_files(tmp_path)] == ["a-page", "b-page"]


@pytest.mark.parametrize(
    ("stage", "audience", "slug"),
    [
        ("request", "families", "pathway-request-families"),
        ("not_assessing", "young_people", "pathway-not-assessing-young-people"),
        (Stage.NOT_ISSUING, Audience.YOUNG_PERSON, "pathway-not-issuing-young-people"),
        (Stage.DRAFT, Audience.PARENT, "pathway-draft-families"),
        (Stage.REVIEW, Audience.SCHOOL, "pathway-review-professionals"),
        (Stage.CEASED, Audience.CASE_OFFICER, "pathway-ceased-professionals"),
    ],
)
def test_pathway_slug_for_content_and_viewer_audiences(stage, audience, slug):
    """The tracker finds the page for a stage from either kind of audience name."""
    assert pathway_slug(stage, audience) == slug


@pytest.mark.parametrize(("stage", "audience"), [("waiting", "families"), ("draft", "everyone")])
def test_pathway_slug_rejects_unknown_names(stage, audience):
    """A typo in a stage or audience is an error, not a missing page later."""
    with pytest.raises(ValueError):
        pathway_slug(stage, audience)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_one_set_of_pathway_pages(role):
    """Whoever reads a case page (admins and editors included) gets a stage page in words for
    them: families, young people, or professionals."""
    assert pathway_slug(Stage.DRAFT, role.audience) in {
        f"pathway-draft-{audience}".replace("_", "-") for audience in PATHWAY_AUDIENCES
    }


# ---------------------------------------------------------------------------------------------
# The shipped pages


def test_every_expected_page_is_shipped():
    """The pledge, the overview, every stage for every audience and the help pages all exist."""
    expected = {"pledge", "pathway"} | HELP_PAGES
    expected |= {pathway_slug(s, a) for s in PATHWAY_STAGES for a in PATHWAY_AUDIENCES}
    expected |= {"banded-funding", *BAND_PAGES}
    assert set(PAGES_BY_SLUG) == expected
    assert len(PAGES) == len(expected) == 39


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.slug)
def test_page_renders_with_no_h1_and_some_text(page):
    """Each page renders; the page template owns the h1, so content never adds one."""
    soup = BeautifulSoup(render_markdown(page.body), "html.parser")
    assert soup.find("h1") is None
    assert len(soup.get_text().split()) >= 50
    assert page.audience in AUDIENCES
    assert page.title and page.summary


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.slug)
def test_summary_is_short(page):
    """Summaries show in lists and search results, so they stay under 30 words."""
    assert len(page.summary.split()) <= 30


@pytest.mark.parametrize("stage", PATHWAY_STAGES)
@pytest.mark.parametrize("audience", PATHWAY_AUDIENCES)
def test_pathway_page_audience_matches_its_slug(stage, audience):
    """pathway-draft-families is written for families, and so on."""
    assert PAGES_BY_SLUG[pathway_slug(stage, audience)].audience == audience


@pytest.mark.parametrize("stage", NO_OUTCOMES)
@pytest.mark.parametrize("audience", PATHWAY_AUDIENCES)
def test_no_outcome_pages_explain_mediation_appeal_and_two_months(stage, audience):
    """Every "no" decision page tells the reader about mediation, appeal and the 2-month limit."""
    text = PAGES_BY_SLUG[pathway_slug(stage, audience)].body.lower()
    assert "mediation" in text
    assert "appeal" in text
    assert "2 months" in text
    assert "letter" in text


@pytest.mark.parametrize("audience", ["families", "professionals"])
@pytest.mark.parametrize(
    ("stage", "fact"),
    [
        ("request", "6 weeks"),
        ("assessment", "6 weeks"),
        ("decision", "16 weeks"),
        ("draft", "15 days"),
        ("draft", "20 weeks"),
        ("final", "20 weeks"),
        ("final", "12 months"),
        ("review", "2 weeks"),
        ("review", "4 weeks"),
        ("review", "8 weeks"),
        ("review", "15 february"),
        ("review", "31 march"),
        ("not_issuing", "16 weeks"),
    ],
)
def test_pathway_pages_state_the_time_limits(stage, fact, audience):
    """Family and professional pages give the time limits of DESIGN.md section 2."""
    assert fact in PAGES_BY_SLUG[pathway_slug(stage, audience)].body.lower()


def test_overview_gives_every_main_time_limit():
    """The overview page names each step's limit and the appeal window."""
    text = PAGES_BY_SLUG["pathway"].body.lower()
    for fact in ("week 6", "6 weeks", "week 16", "15 days", "week 20", "3 to 6 months", "2 months"):
        assert fact in text


def test_pledge_is_a_draft_with_ten_promises_to_the_young_person():
    """The pledge says it is a draft to be replaced, and lists ten "I will" promises."""
    page = PAGES_BY_SLUG["pledge"]
    assert page.audience == "young_people"
    assert "draft" in page.body.lower()
    assert "young people will write the real pledge" in page.body.lower()
    items = BeautifulSoup(render_markdown(page.body), "html.parser").select("ol > li")
    assert len(items) == 10
    assert all(item.get_text().startswith("I will") for item in items)


def test_disagree_page_names_free_advice_and_every_way_to_disagree():
    """The page covers each step (case officer, draft comments, review, mediation, tribunal) with
    the time limits, and names the free advice services."""
    body = PAGES_BY_SLUG["if-you-disagree"].body
    for words in ("SENDIASS", "IPSEA", "SOS!SEN", "Contact", "2 months", "mediation certificate"):
        assert words in body
    for words in ("case officer", "15 days", "draft plan", "review", "Ombudsman", "tribunal"):
        assert words in body


_WEB_ADDRESS = re.compile(r"https?://[^\s)\]]+")
_PHONE = re.compile(r"\b0\d{3} ?\d{3} ?\d{4}\b")


@pytest.mark.parametrize("slug", sorted(PAGES_BY_SLUG))
def test_every_address_and_phone_number_in_content_is_a_known_service(slug):
    """No guessed links or numbers: each web address and phone number a shipped page gives
    belongs to one of the national services listed (and checked) in `portal.contacts`."""
    body = PAGES_BY_SLUG[slug].body
    websites = {service.website for service in NATIONAL_SERVICES}
    phones = {service.phone for service in NATIONAL_SERVICES if service.phone}
    assert set(_WEB_ADDRESS.findall(body)) <= websites
    assert set(_PHONE.findall(body)) <= phones


def test_accessibility_statement_covers_the_required_parts():
    """The statement names the standard, how to report a problem and the enforcement procedure."""
    body = PAGES_BY_SLUG["accessibility-statement"].body
    needed = ["WCAG", "2.2", "AA", "Equality and Human Rights Commission"]
    needed += ["Equality Advisory and Support Service", "Accessibility Regulations 2018"]
    for words in needed:
        assert words in body


def test_privacy_notice_gives_lawful_basis_and_rights():
    """The notice states the UK GDPR lawful basis, who sees the data, how long, and rights."""
    body = PAGES_BY_SLUG["privacy-notice"].body
    needed = ["UK GDPR", "Article 6(1)(e)", "Article 9(2)(g)", "Children and Families Act"]
    needed += ["How long we keep it", "Information Commissioner"]
    for words in needed:
        assert words in body


@pytest.mark.parametrize("slug", BAND_PAGES)
def test_band_pages_describe_six_bands_in_three_parts_and_say_they_are_an_example(slug):
    """Each area of need has bands 1 to 6, each with the need, the help and the proof expected."""
    page = PAGES_BY_SLUG[slug]
    soup = BeautifulSoup(render_markdown(page.body), "html.parser")
    assert [h2.get_text() for h2 in soup.find_all("h2")] == [f"Band {n}" for n in range(1, 7)]
    for part in ("What the need looks like.", "Typical help.", "Proof we expect."):
        assert page.body.count(f"**{part}**") == 6
    assert "example" in page.body.split("\n")[0]


def test_banded_funding_overview_links_every_area_and_the_mainstream_threshold():
    body = PAGES_BY_SLUG["banded-funding"].body
    for slug in BAND_PAGES:
        assert f"(/banded-funding/{slug})" in body
    assert "first £6,000" in body
