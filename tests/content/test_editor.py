"""The content editor: Parent Carer Forum staff edit, preview, check, save, compare, restore and
publish pages; nobody else can."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit import Event
from portal.content.models import ContentRevision, PageStatus
from portal.content.services import page_by_slug, revision_of
from portal.extensions import db
from tests import factories

PLEDGE_BODY_START = "**This pledge is a draft.**"


def _form(page) -> dict:
    """The edit form's fields as the browser would send them."""
    form = page.html.select_one("form[action$='/edit']")
    return {
        "title": form.select_one("#title")["value"],
        "summary": form.select_one("#summary")["value"],
        "body": form.select_one("#body").get_text().removeprefix("\r\n"),
        "based_on": form.select_one("input[name=based_on]")["value"],
    }


def _open(client_request, slug: str = "pledge") -> dict:
    return _form(client_request.get("content.edit_page", slug=slug))


def _save(client_request, data: dict, slug: str = "pledge", **kwargs):
    return client_request.post("content.edit_page", data, url_values={"slug": slug}, **kwargs)


def _public_pledge_text(new_client) -> str:
    anonymous = new_client()
    return anonymous.get("pages.pledge").text(".portal-prose")


# --- Who may use the editor -------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["parent", "young_person", "senco", "psychologist", "case_officer", "admin"]
)
def test_only_content_editors_may_use_the_editor(request, client_request, content, who):
    """Everyone but content editors is refused (403) on every editor page and action."""
    client_request.sign_in_as(request.getfixturevalue(who))
    for endpoint, values in [
        ("content.page_list", {}),
        ("content.page_detail", {"slug": "pledge"}),
        ("content.edit_page", {"slug": "pledge"}),
        ("content.show_revision", {"slug": "pledge", "number": 1}),
        ("content.restore_revision", {"slug": "pledge", "number": 1}),
        ("content.unpublish_page", {"slug": "pledge"}),
    ]:
        client_request.get(endpoint, expected_status=403, **values)
    for endpoint in ("content.edit_page", "content.preview_page", "content.publish_page"):
        client_request.post(
            endpoint,
            {"title": "Hacked", "summary": "x", "body": "x", "based_on": 1, "revision": 1},
            url_values={"slug": "pledge"},
            expected_status=403,
        )
    assert page_by_slug("pledge").current_number == 1


def test_signed_out_people_are_sent_to_sign_in(client_request, content):
    """The editor is not public: someone signed out is asked to sign in."""
    assert client_request.get_redirect("content.page_list").startswith("/sign-in")


def test_the_editor_lands_on_the_list_of_pages(client_request, content, editor):
    """A content editor's home is the list of pages, with each page's audience and status."""
    client_request.sign_in_as(editor)
    assert client_request.get_redirect("cases.home") == "/content"
    page = client_request.get("content.page_list")
    assert page.h1 == "Content pages"
    rows = {
        row.select_one("td .govuk-body-s").get_text(): row for row in page.html.select("tbody tr")
    }
    assert len(rows) == len(content.created)
    pledge = " ".join(rows["pledge"].get_text(" ").split())
    assert "Young people" in pledge and "Published" in pledge
    assert "Loaded from the content files" in pledge
    assert page.html.select_one("a.portal-header__nav-link[href='/content']")


# --- Saving, publishing ----------------------------------------------------------------------


def test_saving_adds_a_revision_that_the_public_does_not_see_yet(
    client_request, content, editor, new_client
):
    """Each save is a new revision (who, when); the public page changes only on publishing."""
    client_request.sign_in_as(editor)
    data = _open(client_request)
    data["body"] = "We have new words for the pledge.\n"
    _save(client_request, data, expected_redirect="/content/pledge")

    page = page_by_slug("pledge")
    assert page.current_number == 2 and page.status is PageStatus.CHANGED
    revision = revision_of(page, 2)
    assert (
        revision.author_id == editor.id and revision.body == "We have new words for the pledge.\n"
    )
    assert "We have new words" in revision.html
    assert (
        db.session.scalar(select(Event).where(Event.action == "content.saved")).actor_id
        == editor.id
    )
    assert "I will listen to you." in _public_pledge_text(new_client)

    listing = client_request.get("content.page_list")
    assert "Changed since publishing" in listing.text("tbody")
    assert "Ed Editor" in listing.text("tbody")


def test_an_empty_title_is_refused_and_the_text_is_kept(client_request, content, editor):
    """A save with a missing title shows the error and keeps everything typed."""
    client_request.sign_in_as(editor)
    data = _open(client_request) | {"title": "", "body": "My unsaved words."}
    page = _save(client_request, data, expected_status=200)
    assert page.error_summary == ["Enter a title"]
    assert page.text("#body") == "My unsaved words."
    assert page_by_slug("pledge").current_number == 1


def test_publishing_and_unpublishing_change_what_the_public_sees(
    client_request, content, editor, new_client
):
    """Publish shows the new words to everyone; unpublish takes the page away (confirmed first)."""
    client_request.sign_in_as(editor)
    data = _open(client_request) | {"body": "Brand new pledge words.\n"}
    _save(client_request, data)
    detail = client_request.get("content.page_detail", slug="pledge")
    assert detail.text("form[action$='/publish'] button") == "Publish revision 2"
    client_request.post(
        "content.publish_page", {"revision": 2}, url_values={"slug": "pledge"},
        expected_redirect="/content/pledge",
    )  # fmt: skip
    assert "Brand new pledge words." in _public_pledge_text(new_client)
    assert page_by_slug("pledge").status is PageStatus.PUBLISHED

    confirm = client_request.get("content.unpublish_page", slug="pledge")
    assert confirm.h1 == "Unpublish this page?"
    assert page_by_slug("pledge").published_number == 2  # nothing changes on GET
    client_request.post("content.unpublish_page", url_values={"slug": "pledge"})
    new_client().get("pages.pledge", expected_status=404)
    assert page_by_slug("pledge").status is PageStatus.DRAFT


LONG_HARD_WORDS = (
    "Notwithstanding the aforementioned statutory considerations, practitioners "
    "contemporaneously ascertain eligibility determinations incorporating multidisciplinary "
    "recommendations, comprehensive documentation, and individualised developmental "
    "interventions throughout consecutive administrative procedures.\n"
)


def test_publishing_a_page_that_needs_work_asks_why_and_records_the_override(
    client_request, content, editor, new_client
):
    """A revision the plain-language check marks "Needs work" is not published with one click:
    the editor sees what the check found and must give a reason; then it is published and the
    history keeps that the check was overridden, and why."""
    client_request.sign_in_as(editor)
    _save(client_request, _open(client_request) | {"body": LONG_HARD_WORDS})
    warned = client_request.post(
        "content.publish_page", {"revision": 2}, url_values={"slug": "pledge"},
        expected_status=200,
    )  # fmt: skip
    assert warned.h1 == "This revision needs work"
    assert "Reading age is" in warned.text("#needs-work-problems")
    assert page_by_slug("pledge").published_number == 1, "nothing is published yet"

    no_reason = client_request.post(
        "content.publish_page", {"revision": 2, "override_reason": "  "},
        url_values={"slug": "pledge"}, expected_status=200,
    )  # fmt: skip
    assert no_reason.error_summary == ["Say why you are publishing it before it meets the target"]
    assert page_by_slug("pledge").published_number == 1

    client_request.post(
        "content.publish_page",
        {"revision": 2, "override_reason": "The law changed today; a plainer version follows."},
        url_values={"slug": "pledge"}, expected_redirect="/content/pledge",
    )  # fmt: skip
    assert page_by_slug("pledge").published_number == 2
    assert "Notwithstanding" in _public_pledge_text(new_client)
    event = db.session.scalars(
        select(Event).where(Event.action == "content.published").order_by(Event.id.desc())
    ).first()
    assert event.detail["overridden"] is True
    assert event.detail["reason"] == "The law changed today; a plainer version follows."
    assert "needs work" in event.summary


def test_a_plain_revision_is_published_with_one_click_and_no_override_recorded(
    client_request, content, editor
):
    client_request.sign_in_as(editor)
    _save(client_request, _open(client_request) | {"body": "We will listen to you.\n"})
    client_request.post(
        "content.publish_page", {"revision": 2}, url_values={"slug": "pledge"},
        expected_redirect="/content/pledge",
    )  # fmt: skip
    event = db.session.scalars(
        select(Event).where(Event.action == "content.published").order_by(Event.id.desc())
    ).first()
    assert "overridden" not in (event.detail or {})


def test_publishing_a_revision_that_does_not_exist_is_404(client_request, content, editor):
    """Only real revisions can be published."""
    client_request.sign_in_as(editor)
    client_request.post(
        "content.publish_page", {"revision": 9}, url_values={"slug": "pledge"},
        expected_status=404,
    )  # fmt: skip


# --- Preview and the plain-language check ----------------------------------------------------


def test_the_text_box_previews_live_as_the_editor_pauses(client_request, content, editor):
    """The Markdown box asks for a preview (POST) half a second after typing stops."""
    client_request.sign_in_as(editor)
    page = client_request.get("content.edit_page", slug="pledge")
    body = page.html.select_one("textarea#body")
    assert body["hx-post"] == "/content/pledge/preview"
    assert body["hx-trigger"] == "input changed delay:500ms"
    assert body["hx-target"] == "#content-preview"
    assert page.html.select_one("#content-preview .portal-prose[hx-disable]")
    preview_button = page.html.select_one("button[formaction='/content/pledge/preview']")
    assert preview_button.get_text(strip=True) == "Preview"
    assert preview_button.get("name") is None  # a separate address, not a multiplexed field


def test_htmx_preview_answers_with_the_fragment_only_and_saves_nothing(
    client_request, content, editor
):
    """The live preview returns just the preview region, rendered safely, and changes nothing."""
    client_request.sign_in_as(editor)
    data = _open(client_request) | {"body": "## A heading\n\nSome *new* words.\n"}
    page = client_request.post(
        "content.preview_page", data, url_values={"slug": "pledge"}, htmx=True,
        expected_status=200,
    )  # fmt: skip
    assert page.html.select_one("h1") is None
    prose = page.html.select_one(".portal-prose[hx-disable]")
    assert prose.select_one("h2").get_text() == "A heading"
    assert prose.select_one("em").get_text() == "new"
    assert "Plain language check" in page.text(".portal-plain-language")
    assert "HX-Request" in page.response.headers["Vary"]
    assert page_by_slug("pledge").current_number == 1
    assert db.session.scalar(select(Event).where(Event.action != "content.loaded")) is None


def test_htmx_preview_needs_the_csrf_token(client_request, content, editor):
    """The preview is a POST: without the CSRF header it is refused."""
    client_request.sign_in_as(editor)
    client_request.post(
        "content.preview_page", {"body": "x"}, url_values={"slug": "pledge"}, htmx=True,
        csrf=False, expected_status=400,
    )  # fmt: skip


def test_preview_button_without_javascript_keeps_everything_typed(client_request, content, editor):
    """Without JavaScript the Preview button shows the whole edit page with the preview filled
    in, and the title, summary and text exactly as typed."""
    client_request.sign_in_as(editor)
    data = _open(client_request) | {
        "title": "My new title",
        "summary": "My summary.",
        "body": "Words I typed, with **bold**.",
    }
    page = client_request.post(
        "content.preview_page", data, url_values={"slug": "pledge"}, expected_status=200
    )
    assert page.h1 == "Edit: My new title"
    assert _form(page) == data
    assert page.html.select_one("#content-preview .portal-prose strong").get_text() == "bold"
    assert page_by_slug("pledge").current_number == 1


def test_the_plain_language_check_flags_long_sentences_and_acronyms(
    client_request, content, editor
):
    """A family page with a 30-word sentence and an unexplained acronym is flagged, with the
    word count and the plain alternative."""
    client_request.sign_in_as(editor)
    long_sentence = " ".join(["word"] * 29) + " end."
    data = _open(client_request, "pathway-request-families") | {
        "body": f"Ask your SENCO for help.\n\n{long_sentence}\n"
    }
    page = client_request.post(
        "content.preview_page", data, url_values={"slug": "pathway-request-families"},
        htmx=True, expected_status=200,
    )  # fmt: skip
    panel = page.html.select_one(".portal-plain-language")
    assert "Needs work" in panel.get_text()
    assert "aim for 10 or under" in page.text("[data-reading-age]")
    flagged = page.texts(".portal-long-sentences li")
    assert flagged == [f"{long_sentence} (30 words)"]
    assert page.html.select_one(".portal-long-sentences mark").get_text() == long_sentence
    glossary = page.texts(".portal-glossary-words li")
    assert any(
        "SENCO" in line
        and "the teacher who organises extra help at school" in line
        and "not explained" in line
        for line in glossary
    )


# --- Two editors at once ---------------------------------------------------------------------


def test_a_second_editor_is_told_and_loses_nothing(
    client_request, new_client, content, editor, editor2
):
    """If Lucy saves first, Ed is told who changed the page and when, sees her version and a
    diff, and keeps his own text; saving again then goes through."""
    client_request.sign_in_as(editor)
    lucy = new_client()
    lucy.sign_in_as(editor2)
    eds = _open(client_request)
    lucys = _open(lucy)
    _save(lucy, lucys | {"body": "Lucy's version of the pledge.\n"})

    eds |= {"body": "Ed's version of the pledge."}
    page = _save(client_request, eds, expected_status=409)
    assert "Lucy Green changed this page at" in page.error_summary[0]
    assert "since you opened it" in page.error_summary[0]
    assert page.html.title.get_text().startswith("Error: ")
    assert page.text("#body") == "Ed's version of the pledge."
    assert "Lucy's version of the pledge." in page.text(".portal-conflict .portal-prose")
    diff = page.html.select(".portal-conflict .portal-diff")[-1]
    assert diff.select_one("del").get_text().strip().startswith("Lucy")
    assert diff.select_one("ins").get_text().strip().startswith("Ed")
    assert page_by_slug("pledge").current_number == 2
    assert revision_of(page_by_slug("pledge"), 2).body == "Lucy's version of the pledge.\n"

    again = _form(page)
    assert again["based_on"] == "2"
    _save(client_request, again)
    assert revision_of(page_by_slug("pledge"), 3).body == "Ed's version of the pledge.\n"


def test_a_stale_save_cannot_slip_in_after_a_check(app, content, editor, editor2):
    """The guard is in the database update itself: a save based on an old revision is refused
    even if the page object in memory still looks current."""
    from portal.content import services

    page = page_by_slug("pledge")
    services.save_revision(editor2, page, title="T", summary="S", body="Lucy.", based_on=1)
    with pytest.raises(services.EditConflict) as refused:
        services._add_revision(page, based_on=1, title="T", summary="S", body="Ed.", author=editor)
    assert refused.value.theirs.number == 2
    assert "Ed.\n" not in db.session.scalars(select(ContentRevision.body)).all()
    assert page_by_slug("pledge").current_number == 2


# --- Revisions: compare and restore ------------------------------------------------------------


def test_comparing_revisions_shows_escaped_changes(client_request, content, editor):
    """The comparison marks added and removed words, and shows typed HTML as text."""
    client_request.sign_in_as(editor)
    data = _open(client_request)
    data["body"] = data["body"].replace(
        "I will listen to you.", 'I hear you. <script>alert("x")</script>'
    )
    _save(client_request, data)
    page = client_request.get("content.compare_revisions", slug="pledge", old=1, new=2)
    assert page.h1 == "Compare revision 1 with revision 2"
    body_diff = page.html.select(".portal-diff")[-1]
    assert "listen" in " ".join(d.get_text() for d in body_diff.select("del"))
    assert '<script>alert("x")</script>' in " ".join(i.get_text() for i in body_diff.select("ins"))
    assert page.html.select("script:not([src])") == []
    client_request.get(
        "content.compare_revisions", slug="pledge", old=1, new=7, expected_status=404
    )


def test_restoring_an_old_revision_adds_a_new_one(client_request, content, editor):
    """Restore asks first, then saves the old words as the newest revision; history stays."""
    client_request.sign_in_as(editor)
    data = _open(client_request) | {"body": "Short-lived words.\n"}
    _save(client_request, data)
    old = client_request.get("content.show_revision", slug="pledge", number=1)
    assert "I will listen to you." in old.text(".portal-prose")
    confirm = client_request.get("content.restore_revision", slug="pledge", number=1)
    assert confirm.h1 == "Restore revision 1?"
    assert page_by_slug("pledge").current_number == 2
    client_request.post(
        "content.restore_revision", url_values={"slug": "pledge", "number": 1},
        expected_redirect="/content/pledge",
    )  # fmt: skip
    page = page_by_slug("pledge")
    restored = revision_of(page, 3)
    assert page.current_number == 3 and restored.restored_from == 1
    assert restored.body == revision_of(page, 1).body and restored.author_id == editor.id
    assert revision_of(page, 2).body == "Short-lived words.\n"
    detail = client_request.get("content.page_detail", slug="pledge")
    assert "Restored revision 1" in detail.text("#revisions + [role=region] table")


# --- Script injection through the editor --------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<div hx-get="/content" hx-trigger="load">x</div>',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    '<svg onload="alert(1)"></svg>',
    "![x](https://evil.example/x.png)",
    '<p data-hx-post="/x" style="color:red">y</p>',
    "[x](&#106;avascript:alert(1))",
]


def test_script_never_reaches_the_public_through_the_editor(
    client_request, content, editor, new_client
):
    """Payloads saved and published by an editor reach the public page as harmless text."""
    client_request.sign_in_as(editor)
    data = _open(client_request) | {"body": "\n\n".join(PAYLOADS)}
    _save(client_request, data)
    client_request.post("content.publish_page", {"revision": 2}, url_values={"slug": "pledge"})
    page = new_client().get("pages.pledge")
    prose = page.html.select_one(".portal-prose")
    assert prose.has_attr("hx-disable")
    for tag in prose.find_all(True):
        assert tag.name not in {"script", "svg", "div", "img", "iframe"}, tag
        for attribute in tag.attrs:
            assert not attribute.startswith(("on", "hx-", "data-", "style")), tag
        assert "javascript" not in tag.get("href", "").lower(), tag
    assert "alert(1)" in prose.get_text()  # the words are shown, harmlessly, as text


def test_with_two_editors_required_a_second_editor_approves_before_anything_is_published(
    app, client_request, new_client, content, editor
):
    """The council's setting: one editor asks, the page stays as it was; the same editor cannot
    approve their own request; a second editor reads and approves, and only then is it public.
    The history names both."""
    app.config["CONTENT_TWO_EDITORS"] = True
    client_request.sign_in_as(editor)
    _save(client_request, _open(client_request) | {"body": "We will always listen to you.\n"})
    detail = client_request.get("content.page_detail", slug="pledge")
    assert detail.text("form[action$='/publish'] button") == (
        "Ask another editor to publish revision 2"
    )
    client_request.post(
        "content.publish_page", {"revision": 2}, url_values={"slug": "pledge"},
        expected_redirect="/content/pledge",
    )  # fmt: skip
    assert page_by_slug("pledge").published_number == 1
    detail = client_request.get("content.page_detail", slug="pledge")
    assert "You asked another editor to publish revision 2" in detail.text("#approval")
    assert detail.html.select_one("form[action$='/publish']") is None
    # Posting again (an old tab) is still only a request.
    client_request.post(
        "content.publish_page", {"revision": 2}, url_values={"slug": "pledge"},
        expected_redirect="/content/pledge",
    )  # fmt: skip
    assert page_by_slug("pledge").published_number == 1
    assert "always listen" not in _public_pledge_text(new_client)

    second = factories.make_user(factories.Role.CONTENT_EDITOR, name="Sam Second")
    other = new_client()
    other.sign_in_as(second)
    detail = other.get("content.page_detail", slug="pledge")
    assert f"{editor.name} asked for revision 2 to be published" in detail.text("#approval")
    assert detail.text("form[action$='/publish'] button") == "Approve and publish revision 2"
    other.post(
        "content.publish_page", {"revision": 2}, url_values={"slug": "pledge"},
        expected_redirect="/content/pledge",
    )  # fmt: skip
    assert page_by_slug("pledge").published_number == 2
    assert "always listen" in _public_pledge_text(new_client)
    actions = db.session.execute(
        select(Event.action, Event.actor_id)
        .where(Event.action.like("content.%"))
        .order_by(Event.id)
    ).all()
    assert actions[-3:] == [
        ("content.approval_asked", editor.id),
        ("content.approval_asked", editor.id),
        ("content.published", second.id),
    ]


# --- Funding officers keep the banded-funding pages ------------------------------------------


def test_funding_officer_edits_and_publishes_a_band_descriptor_and_nothing_else(
    client_request, content, council, new_client
):
    """A funding officer finds the band descriptor pages (and only the banded-funding pages) in
    the editor, rewords one, publishes it, and the public descriptors page shows the new words;
    every other page is not found to them, and they cannot publish it either."""
    from portal.accounts.models import Role
    from portal.content.policy import FUNDING_PAGES

    officer = factories.make_user(Role.FUNDING_OFFICER, organisation=council, name="Fran Funding")
    client_request.sign_in_as(officer)
    listed = client_request.get("content.page_list")
    slugs = {
        link["href"].rsplit("/", 1)[-1] for link in listed.html.select("main a[href^='/content/']")
    }
    assert listed.h1 == "Band descriptors"
    assert slugs == set(FUNDING_PAGES)

    slug = "bands-cognition-and-learning"
    data = _open(client_request, slug) | {"body": "Band 1: a little extra help in class.\n"}
    _save(client_request, data, slug=slug)
    number = page_by_slug(slug).current_number
    client_request.post(
        "content.publish_page", {"revision": number}, url_values={"slug": slug},
        expected_redirect=f"/content/{slug}",
    )  # fmt: skip
    public = new_client().get("pages.band_descriptors", slug=slug)
    assert "Band 1: a little extra help in class." in public.text("main")
    published = db.session.scalars(
        select(Event).where(Event.action == "content.published", Event.actor_id == officer.id)
    ).all()
    assert len(published) == 1

    for endpoint in ("content.page_detail", "content.edit_page"):
        client_request.get(endpoint, slug="pledge", expected_status=404)
    client_request.post(
        "content.publish_page", {"revision": 1}, url_values={"slug": "pledge"},
        expected_status=404,
    )  # fmt: skip
    assert page_by_slug("pledge").published_number == 1
