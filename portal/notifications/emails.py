"""The email for a notice or a daily summary: what changed, when, on which case, and a link.

Only the kind, dates, the case reference and links go in: the templates are given nothing else,
so no child's name, document title or typed text can reach an inbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage

from flask import current_app, render_template

from portal import mail
from portal.dates import format_long_date
from portal.notifications.kinds import KINDS, LINK_ENDPOINTS, Kind
from portal.notifications.models import Notice, NoticeDigest


def absolute_url(endpoint: str, **values) -> str:
    """A link for an email, built without a request (the worker has none)."""
    path = current_app.url_map.bind("portal").build(endpoint, values)
    return current_app.config["PORTAL_URL"] + path


def _domain() -> str:
    sender = current_app.config["MAIL_SENDER"]
    return sender.rsplit("@", 1)[-1].strip(" >") or "portal"


def _block(template, name: str, context: dict) -> str:
    return "".join(template.blocks[name](template.new_context(context))).strip()


def notice_context(notice: Notice) -> dict:
    """Everything a notice's email may say (and nothing more)."""
    kind = Kind(notice.kind)
    return {
        "reference": notice.case.reference,
        "day": format_long_date(notice.created_at.date()),
        "due": format_long_date(notice.due_on) if notice.due_on else "",
        "link": absolute_url(LINK_ENDPOINTS[KINDS[kind].link], case_id=notice.case.public_id),
        "preferences_link": absolute_url("notifications.preferences"),
        "service_name": current_app.config["SERVICE_NAME"],
        "council_name": current_app.config["COUNCIL_NAME"],
    }


def notice_email(notice: Notice) -> EmailMessage:
    """The email telling one person about one notice, in plain text and HTML."""
    context = notice_context(notice)
    template = current_app.jinja_env.get_template(f"notifications/email/{notice.kind}.txt")
    subject = _block(template, "subject", context)
    html = render_template(
        "notifications/email/layout.html",
        subject=subject,
        message=_block(template, "message", context),
        link_text=_block(template, "link_text", context),
        **context,
    )
    return mail.build_message(
        notice.user.email,
        subject,
        template.render(context),
        html=html,
        message_id=f"<notice-{notice.id}@{_domain()}>",
    )


def _changes(count: int) -> str:
    return "1 change" if count == 1 else f"{count} changes"


def digest_email(digest: NoticeDigest, notices: Sequence[Notice]) -> EmailMessage:
    """One person's daily summary: the kinds of change on each case, grouped by reference."""
    cases: dict[str, list[str]] = {}
    for notice in notices:
        cases.setdefault(notice.case.reference, []).append(KINDS[Kind(notice.kind)].title)
    count_cases = "1 case" if len(cases) == 1 else f"{len(cases)} cases"
    context = {
        "subject": f"Your daily summary: {_changes(len(notices))} on {count_cases}",
        "cases": sorted(cases.items()),
        "day": format_long_date(digest.day),
        "link": absolute_url("notifications.whats_new"),
        "preferences_link": absolute_url("notifications.preferences"),
        "service_name": current_app.config["SERVICE_NAME"],
        "council_name": current_app.config["COUNCIL_NAME"],
    }
    return mail.build_message(
        digest.user.email,
        context["subject"],
        render_template("notifications/email/daily_summary.txt", **context),
        html=render_template("notifications/email/daily_summary.html", **context),
        message_id=f"<summary-{digest.id}@{_domain()}>",
    )
