"""The kinds of notice: what each says, where it links, and whether a family may switch it off.

Pure data, no database: the templates, the preferences page and the worker read it. Every email
says only the kind of change, the date, the case reference and a link: never a child's name, a
document's title or anything a person typed (`tests/notifications/test_emails.py` checks each).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    DOCUMENT_ADDED = "document_added"
    UPDATE_POSTED = "update_posted"
    STAGE_CHANGED = "stage_changed"
    DECISION_MADE = "decision_made"
    ADVICE_REQUESTED = "advice_requested"
    ADVICE_DUE_SOON = "advice_due_soon"
    ADVICE_LATE = "advice_late"
    DRAFT_SENT = "draft_sent"
    COMMENTS_DUE_SOON = "comments_due_soon"
    AMENDMENT_COMMENTS_DUE_SOON = "amendment_comments_due_soon"
    REVIEW_ARRANGED = "review_arranged"
    PLAN_ISSUED = "plan_issued"
    PLEDGE_TO_SIGN = "pledge_to_sign"
    MESSAGE = "message"
    REVIEW_REPORT_DUE = "review_report_due"

    @property
    def info(self) -> KindInfo:
        return KINDS[self]


class Link(StrEnum):
    """Which page a notice opens."""

    CASE = "case"
    DOCUMENTS = "documents"
    MESSAGES = "messages"


#: The page each kind of link opens (every one takes the case's `case_id`).
LINK_ENDPOINTS = {
    Link.CASE: "cases.case_page",
    Link.DOCUMENTS: "documents.case_documents",
    Link.MESSAGES: "notifications.case_messages",
}


@dataclass(frozen=True)
class KindInfo:
    #: What the notice is, as a short phrase for lists ("A new document").
    title: str
    #: The preferences page's label for this kind.
    preference_label: str
    link: Link = Link.CASE
    #: Families are always emailed straight away (statutory letters and the draft plan).
    statutory_for_family: bool = False


KINDS: dict[Kind, KindInfo] = {
    Kind.DOCUMENT_ADDED: KindInfo(
        "A new document", "A document is added that you can see", Link.DOCUMENTS
    ),
    Kind.UPDATE_POSTED: KindInfo("A new update", "Someone posts an update you can see"),
    Kind.STAGE_CHANGED: KindInfo("The case moved on", "The case moves to its next stage"),
    Kind.DECISION_MADE: KindInfo(
        "A decision", "The council makes a decision", statutory_for_family=True
    ),
    Kind.ADVICE_REQUESTED: KindInfo("You were asked for advice", "You are asked for advice"),
    Kind.ADVICE_DUE_SOON: KindInfo(
        "Advice due in 7 days", "Reminder: your advice is due in 7 days"
    ),
    Kind.ADVICE_LATE: KindInfo("Advice is late", "Advice is late"),
    Kind.DRAFT_SENT: KindInfo(
        "The draft plan is ready", "The draft plan is sent", statutory_for_family=True
    ),
    Kind.COMMENTS_DUE_SOON: KindInfo(
        "3 days left to comment on the draft plan",
        "Reminder: 3 days left to comment on the draft plan",
    ),
    Kind.AMENDMENT_COMMENTS_DUE_SOON: KindInfo(
        "3 days left to comment on the changes to the plan",
        "Reminder: 3 days left to comment on proposed changes to the plan",
    ),
    Kind.REVIEW_ARRANGED: KindInfo("A review meeting", "A review meeting is arranged"),
    Kind.PLAN_ISSUED: KindInfo(
        "The final plan is ready", "The final plan is issued", statutory_for_family=True
    ),
    Kind.PLEDGE_TO_SIGN: KindInfo("Please sign the pledge", "You are asked to sign the pledge"),
    Kind.REVIEW_REPORT_DUE: KindInfo(
        "A review report is due", "Reminder: a review report is due in 3 days"
    ),
    Kind.MESSAGE: KindInfo("A new message", "Someone sends you a message", Link.MESSAGES),
}


class Choice(StrEnum):
    """How a person wants to hear about one kind of notice."""

    NOW = "now"
    DAILY = "daily"
    OFF = "off"

    @property
    def label(self) -> str:
        return {
            "now": "Email me straight away",
            "daily": "Email me once a day with a summary",
            "off": "Do not email me (I will check What's new)",
        }[self.value]


class EmailStatus(StrEnum):
    """Where a notice's email is: the worker sends `pending` ones."""

    PENDING = "pending"  # to send straight away
    DIGEST = "digest"  # goes in the daily summary
    NONE = "none"  # the person asked for no email of this kind
    SENT = "sent"
    FAILED = "failed"  # the mail server refused it for good (a bad address)
    SKIPPED = "skipped"  # the person lost access before it was sent
