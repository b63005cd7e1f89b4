"""Messages between a person on a case and the council: one thread per person per case.

The person (a family member, a school or a professional with access to the case) writes to the
council; the case officer's team reads and answers. Nobody else sees the thread, so messages
never appear on the case timeline, and the audit trail records that a message was sent, not what
it said. Each message is a notice for the other side.
"""

from __future__ import annotations

from sqlalchemy import select

from portal import access, audit, clock
from portal.accounts.models import User
from portal.audit import Visibility
from portal.cases.models import Case
from portal.cases.policy import is_team_case_officer
from portal.extensions import db
from portal.notifications.kinds import Kind
from portal.notifications.models import Message, MessageThread
from portal.notifications.services import notify
from portal.refusals import NotAllowed, Refused

MAX_MESSAGE_LENGTH = 3000
#: The newest messages a thread page shows (a thread is a conversation, not an archive).
SHOWN = 200


def is_council_side(user: User, case: Case) -> bool:
    return is_team_case_officer(user, case)


def thread_rule(user: User, action: str, thread: MessageThread) -> bool:
    """The person whose thread it is, while they may view the case, and the case's team of
    case officers, may read it and write in it. Nobody else may know it exists."""
    if action != access.Action.VIEW:
        return False
    if is_council_side(user, thread.case):
        return True
    return thread.person_id == user.id and access.can(user, access.Action.VIEW, thread.case)


def thread_of(person: User, case: Case) -> MessageThread | None:
    return db.session.scalar(
        select(MessageThread).where(
            MessageThread.case_id == case.id, MessageThread.person_id == person.id
        )
    )


def threads_on(case: Case) -> list[MessageThread]:
    """The case's threads, the most recently active first (for the council)."""
    return list(
        db.session.scalars(
            select(MessageThread)
            .where(MessageThread.case_id == case.id)
            .order_by(MessageThread.last_message_at.desc())
            .limit(SHOWN)
        )
    )


def messages_in(thread: MessageThread | None) -> list[Message]:
    """The thread's newest messages, oldest first (one query)."""
    if thread is None:
        return []
    newest = list(
        db.session.scalars(
            select(Message)
            .where(Message.thread_id == thread.id)
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(SHOWN)
        )
    )
    return newest[::-1]


def record_view(actor: User, case: Case, thread: MessageThread | None = None) -> None:
    """Record that someone read a case's messages (every view of a case is in the audit trail)."""
    audit.record("messages.viewed", actor=actor, case=case, subject=thread or case)
    db.session.commit()


def _clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Refused("Enter your message", "body")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise Refused(f"Your message must be {MAX_MESSAGE_LENGTH:,} characters or fewer", "body")
    return body


def write_to_council(actor: User, case: Case, body: str) -> Message:
    """A person on the case writes to the council (their thread is started the first time).

    Who may: anyone who may view the case and is not on the council's side. Records
    `message.sent` (audit only, without the words) and tells the case's officer.
    """
    if not access.can(actor, access.Action.VIEW, case) or is_council_side(actor, case):
        raise NotAllowed("Only people on the case write to the council here.")
    body = _clean(body)
    thread = thread_of(actor, case)
    if thread is None:
        thread = MessageThread(case=case, person=actor)
        db.session.add(thread)
        db.session.flush()
    return _add(actor, thread, body)


def reply(actor: User, thread: MessageThread, body: str) -> Message:
    """Write in an existing thread: the council's reply, or the person's next message."""
    if not access.can(actor, access.Action.VIEW, thread):
        raise NotAllowed("This person may not write in this thread.")
    return _add(actor, thread, _clean(body))


def _add(actor: User, thread: MessageThread, body: str) -> Message:
    message = Message(thread_id=thread.id, author_id=actor.id, body=body)
    db.session.add(message)
    thread.last_message_at = clock.utcnow()
    db.session.flush()
    audit.record(
        "message.sent",
        actor=actor,
        case=thread.case,
        subject=thread,
        visibility=Visibility.AUDIT,
    )
    council_wrote = is_council_side(actor, thread.case)
    notify(
        Kind.MESSAGE,
        thread.case,
        actor_id=actor.id,
        only=(
            [thread.person_id]
            if council_wrote
            else select(User.id).where(User.id == thread.case.case_officer_id)
        ),
    )
    db.session.commit()
    return message
