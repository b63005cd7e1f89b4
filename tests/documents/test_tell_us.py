"""A young person's "Tell us something" (issue 11): words and perhaps a picture, with a plain
choice of who sees it. Each choice is tested for who can, and who cannot, see the words and the
picture; the form keeps what was typed on error, refuses files that are not JPEG or PNG photos,
needs a CSRF token, is the young person's alone, is recorded, and feeds the plan's Section A."""

from __future__ import annotations

import io

import pytest
from flask import g
from sqlalchemy import select

from portal.audit import Event, Visibility
from portal.documents.models import Document, YoungPersonMessage
from portal.extensions import db
from portal.plans import services as plan_services
from tests.documents import samples
from tests.documents.helpers import download, post_upload

WORDS = "I like the quiet room at lunch"


def _tell(client_request, case, *, body=WORDS, who_sees="council", picture=None, status=303):
    fields: dict = {"words": body}
    if who_sees is not None:
        fields["who_sees"] = who_sees
    if picture is not None:
        fields["picture"] = (io.BytesIO(picture[1]), picture[0])
    return post_upload(
        client_request,
        "documents.tell_us",
        fields,
        url_values={"case_id": case.public_id},
        expected_status=status,
    )


@pytest.fixture
def readers(new_client, young_person, parent, senco, case_officer):
    """A signed-in client for each person on Alfie's case."""
    clients = {}
    for name, user in (
        ("young person", young_person),
        ("parent", parent),
        ("school", senco),
        ("case officer", case_officer),
    ):
        clients[name] = new_client()
        clients[name].sign_in_as(user)
    return clients


def test_the_young_persons_case_page_has_the_form(readers, family_case):
    """Only the young person's case page has "Tell us something", with the three plain choices."""
    page = readers["young person"].get("cases.case_page", case_id=family_case.public_id)
    assert page.text("#tell-us-title") == "Tell us something"
    assert page.texts("#tell-us .govuk-radios__label") == [
        "Just my case officer",
        "Everyone working with me",
        "My family and everyone working with me",
    ]
    form = page.html.select_one("#tell-us form")
    assert form["method"] == "post" and form["enctype"] == "multipart/form-data"
    for other in ("parent", "school", "case officer"):
        page = readers[other].get("cases.case_page", case_id=family_case.public_id)
        assert page.html.select_one("#tell-us") is None


# Who sees each choice: the young person always; then as they chose.
SEES = {
    "council": {"case officer"},
    "professionals": {"case officer", "school"},
    "everyone": {"case officer", "school", "parent"},
}


@pytest.mark.parametrize("who_sees", list(SEES))
def test_each_choice_decides_who_sees_the_words_and_the_picture(readers, family_case, who_sees):
    """The words are on the timeline of exactly the people chosen (and the young person's own
    list); the picture downloads for them and is a 404 for everyone else."""
    young = readers["young person"]
    _tell(young, family_case, who_sees=who_sees, picture=("me.png", samples.png()))
    message = db.session.scalar(select(YoungPersonMessage))
    assert message.visibility == who_sees
    event = db.session.scalar(select(Event).where(Event.action == "young_person.told_us"))
    assert event.visibility == Visibility(who_sees)
    version = message.picture.latest

    own = young.get("cases.case_page", case_id=family_case.public_id)
    assert WORDS in own.text("#tell-us")
    status, _, data = download(young.client, f"/document-versions/{version.public_id}/download")
    assert (status, data) == (200, samples.png())

    for name in ("parent", "school", "case officer"):
        client = readers[name]
        history = client.get("cases.case_timeline", case_id=family_case.public_id).text("main")
        status, _, _ = download(client.client, f"/document-versions/{version.public_id}/download")
        if name in SEES[who_sees]:
            assert WORDS in history, name
            assert status == 200, name
        else:
            assert WORDS not in history, name
            assert status == 404, name


def test_errors_are_summarised_and_nothing_typed_is_lost(readers, family_case):
    """No choice made: the GOV.UK error summary names it, the words stay in the box, nothing
    is saved. No words: the summary says so, the choice stays."""
    young = readers["young person"]
    page = _tell(young, family_case, who_sees=None, status=200)
    assert page.error_summary == ["Choose who can see it"]
    assert page.html.title.get_text().startswith("Error: ")
    assert page.html.select_one("#words").get_text().strip() == WORDS
    page = _tell(young, family_case, body="  ", who_sees="professionals", status=200)
    assert page.error_summary == ["Write what you want to tell us"]
    assert page.html.select_one("input[value=professionals]").has_attr("checked")
    assert db.session.scalar(select(YoungPersonMessage)) is None


@pytest.mark.parametrize(
    "picture",
    [("drawing.pdf", samples.pdf()), ("notes.txt", samples.text()), ("fake.png", b"x" * 10)],
)
def test_only_jpeg_or_png_pictures_are_kept(readers, family_case, store, picture):
    """A file that is not really a JPEG or PNG photo is refused by its content (a PDF, text,
    a ".png" that is not one): nothing is saved, no file is left, the words stay."""
    page = _tell(readers["young person"], family_case, picture=picture, status=200)
    assert page.error_summary, page.text("main")
    assert page.html.select_one("#words").get_text().strip() == WORDS
    assert db.session.scalar(select(YoungPersonMessage)) is None
    assert db.session.scalar(select(Document)) is None
    assert not [p for p in store.root.rglob("*") if p.is_file()] if store.root.exists() else True


def test_a_jpeg_photo_is_kept(readers, family_case):
    """A JPEG photo is kept as a "Views of the child or young person" document."""
    _tell(readers["young person"], family_case, picture=("photo.jpg", samples.jpeg()))
    document = db.session.scalar(select(Document))
    assert (document.category, document.restriction) == ("young_person_views", "council")


def test_the_form_needs_a_csrf_token(readers, family_case):
    """A POST without the token is refused and saves nothing."""
    readers["young person"].post(
        "documents.tell_us",
        {"words": WORDS, "who_sees": "council"},
        url_values={"case_id": family_case.public_id},
        csrf=False,
        expected_status=400,
    )
    assert db.session.scalar(select(YoungPersonMessage)) is None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("young_person", 200),
        ("parent", 404),
        ("senco", 404),
        ("psychologist", 404),
        ("case_officer", 404),
        ("other_council_officer", 404),
        ("editor", 404),
        ("admin", 404),
        ("parent2", 404),
    ],
)
def test_access_map_of_tell_us(
    request, client_request, family_case, other_family_case, who, status
):
    """Only the young person on their own case may open or send "Tell us something"; everyone
    else gets the same 404 as for a case that does not exist."""
    client_request.sign_in_as(request.getfixturevalue(who))
    client_request.get("documents.tell_us", case_id=family_case.public_id, expected_status=status)
    if status == 404:
        client_request.post(
            "documents.tell_us",
            {"words": WORDS, "who_sees": "everyone"},
            url_values={"case_id": family_case.public_id},
            expected_status=404,
        )
    assert db.session.scalar(select(YoungPersonMessage)) is None


def test_opening_the_page_is_recorded(readers, family_case, young_person):
    """Opening "Tell us something" (which lists what they told us) is a recorded view."""
    readers["young person"].get("documents.tell_us", case_id=family_case.public_id)
    event = db.session.scalar(
        select(Event).where(Event.action == "case.viewed", Event.actor_id == young_person.id)
    )
    assert event.detail["page"] == "tell us something"


def test_the_officer_writing_section_a_reads_what_the_young_person_told_us(
    app, readers, family_case, case_officer
):
    """Section A of the plan ("All about me") shows the case officer the young person's words,
    whoever they chose; the page of another section does not."""
    young = readers["young person"]
    _tell(young, family_case, body="I want to be a train driver", who_sees="council")
    _tell(young, family_case, body="Loud rooms hurt my ears", who_sees="everyone")
    with app.test_request_context():
        g.pop("_grants", None)
        plan_services.start_working_copy(case_officer, family_case)
    officer = readers["case officer"]
    page = officer.get("plans.edit_section", case_id=family_case.public_id, section="a")
    told = page.text("#told-us")
    assert "I want to be a train driver" in told and "Loud rooms hurt my ears" in told
    page = officer.get("plans.edit_section", case_id=family_case.public_id, section="b")
    assert page.html.select_one("#told-us") is None
