"""Sending email through one small interface.

`MAIL_BACKEND` chooses how: "smtp" (when `MAIL_SERVER` is set), "console" (development: the
message is written to the log so a developer can follow links), or "fail" (tests: a test that
sends email without asking for the `outbox` fixture fails loudly).

`send_email` sends one message; `connection()` keeps one SMTP conversation open for many (the
notifications worker sends its batches that way).
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app


class EmailNotAllowed(RuntimeError):
    """Raised by the "fail" backend: this code path sent email nobody expected."""


def portal_link(endpoint: str, **values) -> str:
    """A full link to a page of the portal, for an email.

    Built from the configured `PORTAL_URL` alone, never from the request: a request sent with
    `Host: evil.example` must not make us email a link (with its one-time secret) to that host.
    """
    base = urlsplit(current_app.config["PORTAL_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def build_message(
    to: str,
    subject: str,
    body: str,
    *,
    html: str | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """A message with a plain-text part (and an HTML alternative when `html` is given)."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


class Connection:
    """One open way to send: `send(message)` as many times as needed."""

    def __init__(self, smtp: smtplib.SMTP | None = None) -> None:
        self._smtp = smtp

    def send(self, message: EmailMessage) -> None:
        backend = current_app.config["MAIL_BACKEND"]
        if self._smtp is not None:
            self._smtp.send_message(message)
        elif backend == "console":
            current_app.logger.warning(
                "Email to %s: %s\n\n%s",
                message["To"],
                message["Subject"],
                message.get_body(("plain",)).get_content(),  # type: ignore[union-attr]
            )
        elif backend == "memory":
            current_app.extensions.setdefault("outbox", []).append(message)
        else:
            raise EmailNotAllowed(
                f"Email to {message['To']!r} was sent with MAIL_BACKEND={backend!r}"
            )


@contextmanager
def connection() -> Iterator[Connection]:
    """Open the configured backend once; SMTP errors (server down) propagate to the caller."""
    config = current_app.config
    if config["MAIL_BACKEND"] != "smtp":
        yield Connection()
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        yield Connection(smtp)


def send_email(to: str, subject: str, body: str) -> None:
    """Send a plain-text email with the configured backend."""
    with connection() as conn:
        conn.send(build_message(to, subject, body))
