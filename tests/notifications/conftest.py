"""Fixtures for the notification tests: a real SMTP server on 127.0.0.1, and reading notices."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal.extensions import db
from portal.notifications.models import Notice


class Inbox:
    """What the SMTP server received, parsed; it can be told to refuse everything for a while."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """A real SMTP server on the loopback interface that can be stopped and started again."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = _free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages


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
