"""What's new: a person's own notices, newest first, a page at a time; an unread count in the
header; marking read only by POST; the same few queries for 5 notices or 500."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert

from portal import clock
from portal.audit import Visibility
from portal.cases.services import post_update
from portal.extensions import db
from portal.notifications.kinds import EmailStatus, Kind
from portal.notifications.models import Notice
from portal.notifications.services import PAGE_SIZE
from tests import factories
from tests.documents.helpers import add_document
from tests.notifications.conftest import notices_of


def _bulk_notices(user, case, count: int, start: int = 0) -> None:
    now = clock.utcnow()
    db.session.execute(
        insert(Notice),
        [
            {
                "user_id": user.id,
                "case_id": case.id,
                "kind": Kind.UPDATE_POSTED.value if n % 2 else Kind.DOCUMENT_ADDED.value,
                "created_at": now - timedelta(minutes=start + n),
                "email_status": EmailStatus.NONE.value,
                "attempts": 0,
            }
            for n in range(count)
        ],
    )
    db.session.commit()


def test_whats_new_lists_the_persons_own_notices_newest_first(
    app, client_request, family_case, other_family_case, senco, parent, case_officer
):
    """The parent sees the update then the document, linked to the pages; not another family's."""
    with app.test_request_context():
        post_update(senco, family_case, "Alfie did well", Visibility.EVERYONE)
        post_update(case_officer, other_family_case, "Maya news", Visibility.EVERYONE)
    clock.freeze(clock.utcnow() + timedelta(minutes=5))
    add_document(family_case, senco, title="Reading assessment")
    client_request.sign_in_as(parent)
    page = client_request.get("notifications.whats_new")
    items = page.texts(".portal-notices__item h2")
    assert items == [
        f"New A new document on case {family_case.reference}",
        f"New A new update on case {family_case.reference}",
    ]
    links = [a["href"] for a in page.html.select(".portal-notices__item h2 a")]
    assert links == [
        f"/cases/{family_case.public_id}/documents",
        f"/cases/{family_case.public_id}",
    ]
    assert "Maya" not in page.html.get_text()


def test_the_header_shows_the_unread_count_as_a_link(app, client_request, family_case, parent):
    """Three unread notices: the header link says 3; with none, no number."""
    client_request.sign_in_as(parent)
    assert client_request.get("cases.home").text(".portal-header__account-link") == "What's new"
    _bulk_notices(parent, family_case, 3)
    link = client_request.get("cases.home").html.select_one(".portal-header__account-link")
    assert link["href"] == "/whats-new"
    assert " ".join(link.get_text(" ").split()) == "What's new 3 new"


def test_marking_read_is_a_post_and_clears_the_count(app, client_request, family_case, parent):
    """Opening What's new changes nothing; the button (a POST with CSRF) marks all read."""
    _bulk_notices(parent, family_case, 2)
    client_request.sign_in_as(parent)
    client_request.get("notifications.whats_new")
    assert all(n.read_at is None for n in notices_of(parent))
    client_request.post("notifications.mark_read", csrf=False, expected_status=400)
    assert all(n.read_at is None for n in notices_of(parent))
    client_request.post("notifications.mark_read", expected_redirect="/whats-new")
    assert all(n.read_at is not None for n in notices_of(parent))
    page = client_request.get("notifications.whats_new")
    assert page.text(".portal-header__account-link") == "What's new"
    assert not page.html.select(".portal-notices .govuk-tag")


def test_a_revoked_person_no_longer_sees_the_cases_notices(
    app, client_request, family_case, parent
):
    """Once access to the case ends, its notices leave What's new and the count."""
    _bulk_notices(parent, family_case, 2)
    grant = next(gr for gr in family_case.grants if gr.user_id == parent.id)
    grant.revoked_at = clock.utcnow()
    db.session.commit()
    client_request.sign_in_as(parent)
    page = client_request.get("notifications.whats_new")
    assert not page.html.select(".portal-notices__item")
    assert page.text(".portal-header__account-link") == "What's new"


def test_whats_new_is_paged(app, client_request, family_case, parent):
    """Page one holds the newest PAGE_SIZE; "Older" leads to the rest."""
    _bulk_notices(parent, family_case, PAGE_SIZE + 3)
    client_request.sign_in_as(parent)
    first = client_request.get("notifications.whats_new")
    assert len(first.html.select(".portal-notices__item")) == PAGE_SIZE
    assert first.html.select_one("a[rel=next]")["href"] == "/whats-new?page=2"
    second = client_request.get("notifications.whats_new", page=2)
    assert len(second.html.select(".portal-notices__item")) == 3
    assert second.html.select_one("a[rel=prev]") is not None


def test_whats_new_and_the_count_cost_the_same_for_5_or_500_notices(
    app, client_request, family_case, parent, count_queries
):
    """The page and the header count run the same queries whatever the number of notices."""
    client_request.sign_in_as(parent)

    def queries() -> int:
        client_request.get("notifications.whats_new")
        with count_queries() as statements:
            client_request.get("notifications.whats_new")
        return len(statements)

    _bulk_notices(parent, family_case, 5)
    few = queries()
    _bulk_notices(parent, family_case, 495, start=10)
    many = queries()
    print("What's new queries for 5 and 500 notices:", few, many)
    assert few == many


def test_a_case_officer_counts_the_teams_cases_notices_only(
    app, client_request, family_case, case_officer, other_council_officer
):
    """A case officer's count holds notices about their team's cases; one about a case that
    has since gone to another council's team is no longer theirs to open, so not counted."""
    moved = factories.make_case(team=other_council_officer.organisation, first_name="Sam")
    _bulk_notices(case_officer, family_case, 2)
    _bulk_notices(case_officer, moved, 1, start=5)
    _bulk_notices(other_council_officer, moved, 4)  # someone else's
    client_request.sign_in_as(case_officer)
    link = client_request.get("cases.home").html.select_one(".portal-header__account-link")
    assert " ".join(link.get_text(" ").split()) == "What's new 2 new"


def test_the_count_comes_with_the_session_on_a_page_and_stays_right_on_a_form_post(
    app, client_request, family_case, other_family_case, parent, parent2, count_queries
):
    """A whole page reads the count with the person's session, not in a query of its own; a
    form sent back with an error (a POST) still shows the right count. Another family's
    notices are never in it."""
    _bulk_notices(parent, family_case, 3)
    _bulk_notices(parent2, other_family_case, 5)
    client_request.sign_in_as(parent)
    client_request.get("cases.home")
    with count_queries() as statements:
        page = client_request.get("cases.home")
    assert "3 new" in page.text(".portal-header__account-link")
    reading_notices = [s for s in statements if "notice" in s]
    assert len(reading_notices) == 1 and "user_session" in reading_notices[0]
    refused = client_request.post(
        "notifications.case_messages",
        {"body": ""},
        expected_status=200,
        url_values={"case_id": family_case.public_id},
    )
    assert "Enter your message" in refused.text(".govuk-error-summary")
    assert "3 new" in refused.text(".portal-header__account-link")
