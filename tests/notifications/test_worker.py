"""The outbox worker against a real SMTP server on 127.0.0.1: everything is sent once, a server
that is down delays email but loses and repeats none, two workers never send the same notice,
and someone who lost access before the email went is told nothing."""

from __future__ import annotations

import threading
from datetime import timedelta

from flask import g

from portal import audit, clock
from portal.audit import Visibility
from portal.cases.services import post_update
from portal.extensions import db
from portal.notifications import worker
from portal.notifications.kinds import EmailStatus, Kind
from portal.notifications.models import Notice
from portal.notifications.services import notify
from tests.notifications.conftest import notices_of


def _post(app, user, case, body="Alfie read a whole book", visibility=Visibility.EVERYONE):
    with app.test_request_context():
        g.pop("_grants", None)
        post_update(user, case, body, visibility)


def test_an_update_reaches_each_persons_inbox_once_without_its_words(
    app, smtp_sink, family_case, senco, parent, young_person, case_officer
):
    """Three people on the case, three emails, each once; the update's words stay in the portal."""
    _post(app, senco, family_case)
    result = worker.send_all()
    assert result.sent == 3
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(
        [parent.email, young_person.email, case_officer.email]
    )
    for message in smtp_sink.messages:
        assert message["Subject"] == f"A new update on case {family_case.reference}"
        assert "read a whole book" not in message.get_body(("plain",)).get_content()
        assert "Alfie" not in message.as_string()
    assert worker.send_all().sent == 0
    assert len(smtp_sink.messages) == 3
    assert {n.email_status for n in notices_of(parent)} == {EmailStatus.SENT}


def test_a_server_that_is_down_delays_but_loses_and_repeats_nothing(
    app, smtp_sink, family_case, senco, parent
):
    """With the server stopped the notices wait, with a backoff; once it is back each email
    arrives once, and a further run sends nothing more."""
    smtp_sink.stop()
    _post(app, senco, family_case)
    result = worker.send_all()
    assert (result.sent, result.retrying) == (0, 3)
    waiting = notices_of(parent)[0]
    assert waiting.email_status == EmailStatus.PENDING
    assert waiting.attempts == 1 and waiting.next_attempt_at > clock.utcnow()

    smtp_sink.start()
    assert worker.send_all().sent == 0  # not before the backoff is over
    clock.freeze(clock.utcnow() + worker.backoff(1) + timedelta(seconds=1))
    assert worker.send_all().sent == 3
    assert worker.send_all().sent == 0
    assert len(smtp_sink.messages) == 3
    assert len(set(smtp_sink.inbox.message_ids())) == 3


def test_backoff_doubles_and_stops_growing_at_an_hour(app):
    """30 seconds, a minute, two minutes ... never more than an hour between tries."""
    assert [worker.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert worker.backoff(30) == timedelta(hours=1)


def test_two_workers_at_once_send_each_notice_once(
    app, smtp_sink, family_case, senco, parent, young_person, case_officer
):
    """Two workers sharing the outbox (each its own connection) between them send every email
    exactly once."""
    for n in range(20):
        _post(app, senco, family_case, body=f"Update {n}")
    db.session.commit()
    sent: list[int] = []

    def run() -> None:
        with app.app_context():
            sent.append(worker.send_all(limit=5).sent)
            db.session.remove()

    workers = [threading.Thread(target=run) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert sum(sent) == 60
    assert len(smtp_sink.messages) == 60
    assert len(set(smtp_sink.inbox.message_ids())) == 60


def test_a_leased_notice_is_left_alone_until_its_lease_ends(
    app, smtp_sink, family_case, senco, parent
):
    """A notice another worker holds is not sent again while its lease lasts (it may still be
    sending it), and is taken over once the lease has run out (that worker died)."""
    _post(app, senco, family_case)
    db.session.execute(
        Notice.__table__.update().values(
            lease_token="another-worker", leased_until=clock.utcnow() + worker.LEASE
        )
    )
    db.session.commit()
    assert worker.send_all().sent == 0
    clock.freeze(clock.utcnow() + worker.LEASE + timedelta(seconds=1))
    assert worker.send_all().sent == 3


def test_someone_who_lost_access_before_the_email_went_is_told_nothing(
    app, smtp_sink, family_case, senco, parent, young_person, case_officer
):
    """The parent's access ends between the update and the worker's run: no email for them."""
    _post(app, senco, family_case)
    grant = next(gr for gr in family_case.grants if gr.user_id == parent.id)
    grant.revoked_at = clock.utcnow()
    db.session.commit()
    result = worker.send_all()
    assert (result.sent, result.skipped) == (2, 1)
    assert parent.email not in [m["To"] for m in smtp_sink.messages]
    assert notices_of(parent)[0].email_status == EmailStatus.SKIPPED


def test_a_refused_address_is_marked_failed_not_retried_for_ever(
    app, smtp_sink, family_case, parent
):
    """A 5xx refusal of one address fails that notice only; the rest are sent."""
    parent.email = "bad@example.org"
    db.session.commit()

    async def refuse(server, session, envelope, address, rcpt_options):
        if address == "bad@example.org":
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_sink.inbox.handle_RCPT = refuse  # type: ignore[attr-defined]
    smtp_sink.stop()
    smtp_sink.start()
    notify(Kind.STAGE_CHANGED, family_case)
    db.session.commit()
    result = worker.send_all()
    assert (result.sent, result.failed) == (3, 1)
    assert notices_of(parent)[0].email_status == EmailStatus.FAILED


def test_a_server_that_fails_mid_batch_loses_and_repeats_nothing(
    app, smtp_sink, family_case, senco, parent, young_person, case_officer
):
    """The server takes 4 emails, then answers "try later": those 4 are marked sent, the rest
    wait; when it recovers the rest arrive and no email arrives twice."""
    for n in range(4):
        _post(app, senco, family_case, body=f"Update {n}")  # 12 emails
    inbox = smtp_sink.inbox
    original = inbox.handle_DATA

    async def flaky(server, session, envelope):
        if len(inbox.messages) >= 4:
            return "421 Busy, try again later"
        return await original(server, session, envelope)

    inbox.handle_DATA = flaky  # type: ignore[method-assign]
    result = worker.send_all()
    assert (result.sent, result.retrying) == (4, 8)
    inbox.handle_DATA = original  # type: ignore[method-assign]
    clock.freeze(clock.utcnow() + worker.backoff(1) + timedelta(seconds=1))
    assert worker.send_all().sent == 8
    assert len(smtp_sink.messages) == 12
    assert len(set(inbox.message_ids())) == 12


def test_the_running_worker_seals_the_newest_audit_entries(app, family_case, parent):
    """Page views only insert their audit entries; the worker, as it runs, gives them their
    places in the hash chain, and the trail verifies with nothing left waiting."""
    audit.record("case.viewed", actor=parent, case=family_case, subject=family_case)
    db.session.commit()
    assert audit.verify_chain().unsealed >= 1
    rounds = iter([False, True])
    worker.run(poll_seconds=0, should_stop=lambda: next(rounds))
    verdict = audit.verify_chain()
    assert verdict.ok, verdict.problem
    assert verdict.unsealed == 0
    assert verdict.checked >= 1
