"""A real SMTP server on 127.0.0.1 that keeps what it receives, for tests that follow an email
the way a person would: the notification tests, and the browser journeys' portal server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Inbox:
    """What the SMTP server received, parsed."""

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """A real SMTP server on the loopback interface that can be stopped and started again."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
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

    def to(self, address: str) -> list[EmailMessage]:
        """The emails received for one address, oldest first."""
        with self.inbox.lock:
            return [m for m in self.inbox.messages if m["To"] == address]

    def wait_for(
        self, address: str, matching: Callable[[EmailMessage], bool], timeout: float = 10.0
    ) -> EmailMessage:
        """The newest email to `address` that `matching` accepts, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.to(address) if matching(m)]
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                subjects = [m["Subject"] for m in self.to(address)]
                raise AssertionError(f"no such email to {address} (it has: {subjects})")
            time.sleep(0.1)
