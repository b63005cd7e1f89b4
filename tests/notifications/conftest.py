"""Fixtures for the notification tests: a real SMTP server on 127.0.0.1, and reading notices."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.notifications.models import Notice
from tests.mailsink import SmtpSink


@pytest.fixture
def smtp_sink(app):
    """The app sends email by SMTP to a server on 127.0.0.1 that keeps what it receives."""
    sink = SmtpSink()
    sink.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)
    yield sink
    sink.stop()


def notices_of(user, kind: str | None = None) -> list[Notice]:
    query = select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)
    if kind:
        query = query.where(Notice.kind == kind)
    return list(db.session.scalars(query))


def told(kind: str, case) -> set[int]:
    """The ids of everyone given a notice of this kind about this case."""
    query = select(Notice.user_id).where(Notice.kind == kind, Notice.case_id == case.id)
    return set(db.session.scalars(query))
