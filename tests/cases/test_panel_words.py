"""The "Where we are" panel uses the words the Parent Carer Forum editors publish for the case's
stage and the reader's audience, and its built-in wording when there are none."""

from __future__ import annotations

import pytest

from portal import pathway
from portal.content import services
from portal.content.files import default_content_folder
from portal.content.services import load_folder, page_by_slug
from portal.pathway import Audience, Stage

NEXT, TODO = "What happens next", "What you need to do"


@pytest.fixture
def content(app):
    """Every page in content/, loaded and published as `flask content load` does."""
    return load_folder(default_content_folder())


def _panel(client_request, person, case) -> dict[str, str]:
    """The panel's lines, by the heading above each ("What happens next" -> its words)."""
    client_request.sign_in_as(person)
    page = client_request.get("cases.case_page", case_id=case.public_id)
    panel = page.html.select_one(".portal-where-we-are")
    assert panel is not None
    assert panel.select("script") == []
    return {
        " ".join(h3.get_text().split()): " ".join(h3.find_next_sibling("p").get_text().split())
        for h3 in panel.select("h3")
    }


def _publish(editor, slug: str, body: str) -> None:
    """The editor saves new words for a page and publishes them."""
    page = page_by_slug(slug)
    current = services.current_revision(page)
    revision = services.save_revision(
        editor,
        page,
        title=current.title,
        summary=current.summary,
        body=body,
        based_on=page.current_number,
    )
    # The words are a test's, not written for the plain-language target: published anyway.
    services.publish_revision(editor, page, revision.number, override_reason="A test's words")


def _default(part, audience: Audience) -> str:
    return part(Stage.REQUEST, audience).default


def test_an_editor_publishes_new_words_and_the_parent_panel_shows_them_until_unpublished(
    client_request, new_client, content, editor, parent, family_case
):
    """The editor writes a new "What happens next" for the request stage; once published, the
    parent's panel says it (not the built-in words). Unpublished, the built-in words are back."""
    parent_client = new_client()
    slug = "pathway-request-families"
    body = (
        "## What is happening now\n\nThe council has your request.\n\n"
        "## What happens next\n\nA caseworker will **phone you** this week & explain the steps."
        "\nThey will not visit.\n\nA second paragraph the panel leaves out.\n\n"
        "## What you can do\n\nWrite down what a good day looks like for your child."
    )
    client_request.sign_in_as(editor)
    form = client_request.get("content.edit_page", slug=slug).html.select_one(
        "form[action$='/edit']"
    )
    data = {
        "title": form.select_one("#title")["value"],
        "summary": form.select_one("#summary")["value"],
        "body": body,
        "based_on": form.select_one("input[name=based_on]")["value"],
    }
    client_request.post("content.edit_page", data, url_values={"slug": slug})
    saved_only = _panel(parent_client, parent, family_case)
    assert "A caseworker will phone you" not in saved_only[NEXT], "saved is not published"

    client_request.post("content.publish_page", {"revision": 2}, url_values={"slug": slug})
    lines = _panel(parent_client, parent, family_case)
    assert lines[NEXT] == (
        "A caseworker will phone you this week & explain the steps. They will not visit."
    )
    assert lines[TODO] == "Write down what a good day looks like for your child."
    assert _default(pathway.next_step_text, Audience.PARENT) not in lines[NEXT]

    client_request.post("content.unpublish_page", {}, url_values={"slug": slug})
    lines = _panel(parent_client, parent, family_case)
    assert lines[NEXT] == _default(pathway.next_step_text, Audience.PARENT)
    assert lines[TODO] == _default(pathway.todo_text, Audience.PARENT)


def test_the_shipped_pages_give_their_paragraphs_and_lists_leave_the_built_in_words(
    client_request, content, parent, family_case
):
    """With the shipped content, the parent reads the families page's first paragraph under
    "What happens next"; its "What you can do" is a list, so the built-in to-do line stays."""
    lines = _panel(client_request, parent, family_case)
    assert lines[NEXT].startswith("The council must tell you by letter if it will do an assessment")
    assert lines[TODO] == _default(pathway.todo_text, Audience.PARENT)


def test_each_reader_sees_the_words_for_their_audience(
    client_request, content, editor, parent, young_person, senco, family_case
):
    """A young person reads the young people's page, a school the professionals' page, and
    neither reads the families' words."""
    for slug, words in (
        ("pathway-request-families", "Families: the council writes within 6 weeks."),
        ("pathway-request-young-people", "Young people: you will hear back soon."),
        ("pathway-request-professionals", "Professionals: expect a request for information."),
    ):
        _publish(
            editor,
            slug,
            f"## What happens next\n\n{words}\n\n## What you can do\n\nTodo for {words}",
        )

    young = _panel(client_request, young_person, family_case)
    assert young[NEXT] == "Young people: you will hear back soon."
    assert young["What you can do"] == "Todo for Young people: you will hear back soon."

    school = _panel(client_request, senco, family_case)
    assert school[NEXT] == "Professionals: expect a request for information."
    assert school[TODO] == "Todo for Professionals: expect a request for information."

    assert _panel(client_request, parent, family_case)[NEXT] == (
        "Families: the council writes within 6 weeks."
    )


def test_the_case_officer_panel_keeps_the_built_in_case_officer_words(
    client_request, content, editor, case_officer, family_case
):
    """Content has no case-officer pages: publishing the professionals' page changes nothing
    in the case officer's panel."""
    before = _panel(client_request, case_officer, family_case)
    assert before[NEXT] == _default(pathway.next_step_text, Audience.CASE_OFFICER)
    assert before[TODO] == _default(pathway.todo_text, Audience.CASE_OFFICER)
    _publish(
        editor,
        "pathway-request-professionals",
        "## What happens next\n\nWords for schools.\n\n## What you can do\n\nMore for schools.",
    )
    assert _panel(client_request, case_officer, family_case) == before


def test_markup_in_the_published_words_is_shown_as_text(
    client_request, content, editor, parent, family_case
):
    """HTML typed into the words never becomes part of the page: the parent sees it as text,
    with entities read as the stage text below shows them."""
    _publish(
        editor,
        "pathway-request-families",
        '## What happens next\n\n<script>alert("x")</script> <b onclick="x()">Soon</b> &amp; later',
    )
    client_request.sign_in_as(parent)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    panel = page.html.select_one(".portal-where-we-are")
    assert panel.select("script, b, [onclick]") == []
    lines = _panel(client_request, parent, family_case)
    shown = '<script>alert("x")</script> <b onclick="x()">Soon</b> & later'
    assert lines[NEXT] == shown
    assert shown in page.text("[aria-labelledby=stage-text-heading]")


def test_the_panel_and_the_stage_text_read_the_published_page_once(
    client_request, count_queries, content, editor, parent, young_person, senco, case_officer,
    family_case,
):  # fmt: skip
    """The panel shares the page the stage text section loads: one query reads content on the
    case page, as before the panel used it, for every reader, published or not."""
    url = client_request._url("cases.case_page", case_id=family_case.public_id)

    def content_queries(person) -> tuple[int, int]:
        client_request.sign_in_as(person)
        client_request.client.get(url)
        with count_queries() as statements:
            assert client_request.client.get(url).status_code == 200
        return len(statements), sum("content_page" in s for s in statements)

    published = {p.id: content_queries(p) for p in (parent, young_person, senco, case_officer)}
    assert all(reads == 1 for _, reads in published.values()), published
    for slug in ("pathway-request-families", "pathway-request-young-people"):
        services.unpublish_page(editor, page_by_slug(slug))
    for person in (parent, young_person):
        total, reads = content_queries(person)
        assert (total, reads) == published[person.id], person.role


def _at_review_meeting_held(case) -> None:
    """The case's review meeting was held three days ago; its report is not sent yet."""
    from datetime import timedelta

    from portal.cases.models import CaseMilestones, Review
    from portal.clock import today
    from portal.extensions import db

    case.stage = Stage.REVIEW
    db.session.add(CaseMilestones(case=case, final_issued_on=today() - timedelta(days=300)))
    db.session.add(Review(case=case, meeting_on=today() - timedelta(days=3)))
    db.session.commit()


def test_the_shipped_pages_hold_each_steps_built_in_words(content, parent, family_case):
    """Every step's words are on the stage's pathway page for each reader, under the step's
    heading, exactly as built in: loading the shipped content changes nothing families read,
    and an editor finds each step's words where the case page takes them from."""
    from portal.content.pages import pathway_text, section_paragraph
    from portal.pathway.next_step import _WORDS, STEP_HEADINGS, STEPS_OF_STAGE, _reader

    steps = [(stage, step) for stage, steps in STEPS_OF_STAGE.items() for step in steps]
    assert {step for _, step in steps} == set(STEP_HEADINGS)
    for stage, step in steps:
        heading = STEP_HEADINGS[step]
        for audience in (Audience.PARENT, Audience.YOUNG_PERSON, Audience.SCHOOL):
            page = pathway_text(stage, audience)
            assert page is not None
            assert section_paragraph(page.html, heading) == _WORDS[step][_reader(audience)], (
                step,
                audience,
            )


def test_an_editor_rewords_a_step_and_the_family_reads_it_at_that_step(
    client_request, new_client, content, editor, parent, young_person, family_case
):
    """The review meeting has been held: the parent reads the families page's "After the review
    meeting" paragraph once an editor publishes new words for it; the young person, whose page
    was not changed, keeps the built-in words for that step."""
    from portal.pathway.next_step import _WORDS, SubStep

    _at_review_meeting_held(family_case)
    before = _panel(new_client(), parent, family_case)
    assert before[NEXT] == _WORDS[SubStep.REVIEW_MEETING_HELD]["parent"]
    page = page_by_slug("pathway-review-families")
    body = services.current_revision(page).body.replace(
        _WORDS[SubStep.REVIEW_MEETING_HELD]["parent"],
        "The meeting is over. Look out for the school's report in the post within 2 weeks.",
    )
    _publish(editor, "pathway-review-families", body)
    assert _panel(new_client(), parent, family_case)[NEXT] == (
        "The meeting is over. Look out for the school's report in the post within 2 weeks."
    )
    young = _panel(new_client(), young_person, family_case)
    assert young[NEXT] == _WORDS[SubStep.REVIEW_MEETING_HELD]["young_person"]


def test_the_editor_is_told_which_headings_case_pages_read(client_request, content, editor):
    """Editing the review page for families lists the headings whose words reach case pages,
    including each step of the review; a help page lists none."""
    client_request.sign_in_as(editor)
    page = client_request.get("content.edit_page", slug="pathway-review-families")
    listed = page.texts(".govuk-details__text li")
    assert listed[:2] == ["What happens next", "What you can do"]
    assert "After the review meeting" in listed
    assert "When all the advice is in" not in listed
    help_page = client_request.get("content.edit_page", slug="pledge")
    assert help_page.texts(".govuk-details__text li") == []
