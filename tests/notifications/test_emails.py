"""Every kind of notice email: what changed, the date, the case reference and a link, in plain
text and HTML, with a preferences link, and nothing a family would not want in an inbox."""

from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from portal.notifications.emails import digest_email, notice_email
from portal.notifications.kinds import Kind
from portal.notifications.models import Notice, NoticeDigest

PRIVATE = ["Alfie", "Secret Surname", "Speech therapy report", "struggles with reading"]


@pytest.fixture
def private_case(family_case):
    """A case whose child, documents and updates carry words that must never reach an inbox."""
    family_case.child.first_name = "Alfie"
    family_case.child.last_name = "Secret Surname"
    db.session.flush()
    return family_case


def _notice(case, user, kind: Kind) -> Notice:
    notice = Notice(user_id=user.id, case=case, kind=kind.value, due_on=date(2027, 3, 12))
    db.session.add(notice)
    db.session.flush()
    return notice


def _parts(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


@pytest.mark.parametrize("kind", list(Kind))
def test_each_kind_says_what_changed_without_personal_data(app, private_case, parent, kind):
    """Subject and both parts name the case reference and link to the portal and to the
    preferences page; no child's name or document title appears anywhere."""
    notice = _notice(private_case, parent, kind)
    message = notice_email(notice)
    text, html = _parts(message)
    assert private_case.reference in message["Subject"]
    assert private_case.reference in text and private_case.reference in html
    assert f"/cases/{private_case.public_id}" in text
    assert "/email-preferences" in text and "/email-preferences" in html
    assert message["To"] == parent.email
    for words in PRIVATE:
        assert words not in message["Subject"] + text + html, (kind, words)
    if kind in (Kind.ADVICE_REQUESTED, Kind.DRAFT_SENT, Kind.ADVICE_DUE_SOON):
        assert "Friday 12 March 2027" in text


def test_every_kind_has_its_own_subject(app, private_case, parent):
    """No two kinds share a subject: the inbox alone says what kind of change it was."""
    subjects = [notice_email(_notice(private_case, parent, k))["Subject"] for k in Kind]
    assert len(set(subjects)) == len(subjects)


def test_the_daily_summary_groups_changes_by_case_without_personal_data(
    app, private_case, other_family_case, parent
):
    """One email lists each case's changes by kind; again no names or titles."""
    digest = NoticeDigest(user_id=parent.id, day=date(2027, 3, 11))
    db.session.add(digest)
    db.session.flush()
    notices = [
        _notice(private_case, parent, Kind.DOCUMENT_ADDED),
        _notice(private_case, parent, Kind.UPDATE_POSTED),
        _notice(other_family_case, parent, Kind.UPDATE_POSTED),
    ]
    message = digest_email(digest, notices)
    text, html = _parts(message)
    assert message["Subject"] == "Your daily summary: 3 changes on 2 cases"
    assert private_case.reference in text and other_family_case.reference in html
    assert "A new document" in text and "/whats-new" in text and "/email-preferences" in html
    for words in [*PRIVATE, "Maya"]:
        assert words not in message["Subject"] + text + html
