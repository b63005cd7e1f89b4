"""Sending email through one small interface.

`MAIL_BACKEND` chooses how: "smtp" (when `MAIL_SERVER` is set), "console" (development: the
message is written to the log so a developer can follow links), or "fail" (tests: a test that
sends email without asking for the `outbox` fixture fails loudly).
"""

from __future__ import annotations

import smtplib
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


def _build(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def send_email(to: str, subject: str, body: str) -> None:
    """Send a plain-text email with the configured backend."""
    config = current_app.config
    message = _build(to, subject, body)
    backend = config["MAIL_BACKEND"]
    if backend == "smtp":
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    elif backend == "console":
        current_app.logger.warning("Email to %s: %s\n\n%s", to, subject, body)
    elif backend == "memory":
        current_app.extensions.setdefault("outbox", []).append(message)
    else:
        raise EmailNotAllowed(f"Email to {to!r} was sent with MAIL_BACKEND={backend!r}")
