"""The outbox worker: sends notice emails and daily summaries, once each, with retries.

Each batch is claimed with a lease (a token and an expiry written in one UPDATE; PostgreSQL
skips rows another worker has locked), sent over one SMTP connection, and each email is marked
sent as soon as the server accepts it. If the server is down, the claimed rows are released with
a backoff that doubles up to an hour, so nothing is lost; a row another worker holds is never
sent twice while its lease lasts. Each message carries a Message-ID made from the notice, so
even a crash between "accepted" and "marked sent" (the one gap no outbox can close) produces a
duplicate that mail systems recognise as the same message.

Before sending, each notice is checked against the access policy again: someone who lost
access to the case since is told nothing (the notice is marked skipped).

Why an outbox table and not a job library such as huey: a notice must be committed in the same
transaction as the change it reports, or not at all. With the database as the queue that is
free; a separate queue (huey's SQLite file or Redis) would need a second commit that can fail on
its own, losing or inventing emails. The outbox also needs no other service (SQLite in
development, PostgreSQL in production, with `SKIP LOCKED` letting several workers share it), and
its rows are a record of what was sent when. Later background work (plan PDFs, scans of large
files) can use the same claim, lease and backoff on a table of its own (`Delivery` and
`_claim` are written for any such table).
"""

from __future__ import annotations

import secrets
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import joinedload

from portal import audit, clock, mail
from portal.accounts.models import Role, User
from portal.cases.models import Case, CaseGrant
from portal.extensions import db
from portal.notifications import emails
from portal.notifications.kinds import EmailStatus
from portal.notifications.models import Notice, NoticeDigest

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
BATCH = 50


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 30 seconds, then doubling, never more than an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


@dataclass
class Result:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retrying: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Result) -> None:
        self.sent += other.sent
        self.skipped += other.skipped
        self.failed += other.failed
        self.retrying += other.retrying
        self.errors += other.errors


def may_still_open():
    """SQL: the notice's person may still open its case (joined to Notice, User and Case)."""
    return (User.active.is_(True)) & or_(
        (User.role == Role.CASE_OFFICER) & (User.organisation_id == Case.team_id),
        exists().where(
            CaseGrant.case_id == Notice.case_id,
            CaseGrant.user_id == Notice.user_id,
            CaseGrant.revoked_at.is_(None),
        ),
    )


def _claim(model, limit: int, now: datetime) -> str | None:
    """Lease up to `limit` ready rows to this worker; returns the lease token (None: nothing)."""
    ready = (
        select(model.id)
        .where(
            model.email_status == EmailStatus.PENDING,
            or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now),
            or_(model.leased_until.is_(None), model.leased_until < now),
        )
        .order_by(model.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        ready = ready.with_for_update(skip_locked=True)
    token = secrets.token_hex(16)
    claimed = db.session.execute(
        update(model)
        .where(model.id.in_(ready))
        .values(lease_token=token, leased_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token if getattr(claimed, "rowcount", 0) else None


def _finish(model, row_id: int, token: str, status: EmailStatus, error: str | None = None) -> None:
    db.session.execute(
        update(model)
        .where(model.id == row_id, model.lease_token == token)
        .values(
            email_status=status,
            emailed_at=clock.utcnow() if status is EmailStatus.SENT else None,
            lease_token=None,
            leased_until=None,
            last_error=error,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _release(model, token: str, error: str) -> int:
    """The server could not be reached: every row still held goes back with a backoff."""
    rows = db.session.scalars(select(model).where(model.lease_token == token)).all()
    now = clock.utcnow()
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + backoff(row.attempts)
        row.lease_token = None
        row.leased_until = None
        row.last_error = error[:300]
    db.session.commit()
    return len(rows)


def _permanent(error: Exception) -> bool:
    """A refusal that will not change by trying again (a bad address, a 5xx reply)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _deliver(model, rows: list, build: Callable, token: str) -> Result:
    result = Result()
    # Every message is built before the first commit (a commit expires the loaded rows).
    messages = [(row.id, build(row)) for row in rows]
    for row_id, message in messages:
        if message is None:
            _finish(model, row_id, token, EmailStatus.SKIPPED)
            result.skipped += 1
    try:
        with mail.connection() as connection:
            for row_id, message in messages:
                if message is None:
                    continue
                try:
                    connection.send(message)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
                    if not _permanent(error):
                        raise
                    _finish(model, row_id, token, EmailStatus.FAILED, str(error)[:300])
                    result.failed += 1
                    continue
                _finish(model, row_id, token, EmailStatus.SENT)
                result.sent += 1
    except (OSError, smtplib.SMTPException) as error:
        db.session.rollback()
        result.retrying += _release(model, token, f"{type(error).__name__}: {error}")
        result.errors.append(str(error))
        current_app.logger.warning("Email could not be sent, will try again: %s", error)
    return result


def _send_notices(limit: int) -> Result:
    token = _claim(Notice, limit, clock.utcnow())
    if token is None:
        return Result()
    rows = db.session.scalars(
        select(Notice)
        .options(joinedload(Notice.user))
        .where(Notice.lease_token == token)
        .order_by(Notice.id)
    ).all()
    allowed = set(
        db.session.scalars(
            select(Notice.id)
            .join(User, User.id == Notice.user_id)
            .join(Case, Case.id == Notice.case_id)
            .where(Notice.lease_token == token, may_still_open())
        )
    )
    return _deliver(
        Notice, list(rows), lambda n: emails.notice_email(n) if n.id in allowed else None, token
    )


def _send_digests(limit: int) -> Result:
    token = _claim(NoticeDigest, limit, clock.utcnow())
    if token is None:
        return Result()
    digests = db.session.scalars(
        select(NoticeDigest)
        .options(joinedload(NoticeDigest.user))
        .where(NoticeDigest.lease_token == token)
        .order_by(NoticeDigest.id)
    ).all()
    notices: dict[int, list[Notice]] = {d.id: [] for d in digests}
    for notice in db.session.scalars(
        select(Notice)
        .join(User, User.id == Notice.user_id)
        .join(Case, Case.id == Notice.case_id)
        .where(Notice.digest_id.in_(notices), may_still_open())
        .order_by(Notice.created_at, Notice.id)
    ):
        assert notice.digest_id is not None
        notices[notice.digest_id].append(notice)

    def build(digest: NoticeDigest):
        items = notices[digest.id]
        return emails.digest_email(digest, items) if items else None

    return _deliver(NoticeDigest, list(digests), build, token)


def send_batch(limit: int = BATCH) -> Result:
    """Send one batch of notice emails and one of daily summaries."""
    result = _send_notices(limit)
    result.add(_send_digests(limit))
    return result


def send_all(limit: int = BATCH) -> Result:
    """Send until nothing is ready (tests and `worker --once`)."""
    total = Result()
    while True:
        result = send_batch(limit)
        total.add(result)
        if result.sent + result.skipped + result.failed == 0:
            return total


def run(
    *,
    poll_seconds: float = 2.0,
    periodic: Callable[[], None] | None = None,
    periodic_every: timedelta = timedelta(minutes=15),
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Send email as it becomes ready, seal the newest audit entries into the hash chain, and
    run the periodic jobs (reminders, summaries) now and then, until `should_stop()` (or
    Ctrl-C)."""
    next_periodic = clock.utcnow()
    while not should_stop():
        if periodic is not None and clock.utcnow() >= next_periodic:
            periodic()
            next_periodic = clock.utcnow() + periodic_every
        result = send_batch()
        # Page views only insert their audit entries; sealing them is work for out here.
        sealed = audit.seal_unchained()
        db.session.remove()
        if result.sent + result.skipped + result.failed + sealed == 0:
            time.sleep(poll_seconds)
