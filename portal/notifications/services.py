"""Writing notices, reading them for "What's new", and people's email preferences.

`notify` decides the recipients in SQL from the case's access rule (`cases.policy.audience`)
and writes every notice with one INSERT ... SELECT, whatever the number of people on the case:
a notice adds one query to the action that causes it. Each row's email status comes from the
person's preference for that kind, in the same statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal,
    null,
    select,
    true,
    update,
)
from sqlalchemy import case as sql_case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from portal import access, audit, clock
from portal.accounts.models import Role, User
from portal.accounts.services import header_fact
from portal.audit import Visibility
from portal.cases.models import Case, CaseGrant
from portal.cases.policy import audience
from portal.extensions import db
from portal.notifications.kinds import KINDS, Choice, EmailStatus, Kind
from portal.notifications.models import Notice, NoticePreference

FAMILY_ROLES = [Role.PARENT.value, Role.YOUNG_PERSON.value]
#: What's new shows this many notices a page.
PAGE_SIZE = 20
#: The header's count stops here ("99+"): counting further would cost more and tell no more.
UNREAD_CAP = 99
#: The name of the unread count among the header facts fetched with the session.
UNREAD_FACT = "unread_notices"


def _insert():
    """INSERT that skips rows a unique constraint already holds (a reminder given before)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Notice)


def _email_status(kind: Kind):
    """The email status for a new notice, from the recipient's preference for its kind."""
    pref = aliased(NoticePreference)
    chosen = sql_case(
        (pref.choice == Choice.DAILY.value, EmailStatus.DIGEST.value),
        (pref.choice == Choice.OFF.value, EmailStatus.NONE.value),
        else_=EmailStatus.PENDING.value,
    )
    if KINDS[kind].statutory_for_family:
        chosen = sql_case((User.role.in_(FAMILY_ROLES), EmailStatus.PENDING.value), else_=chosen)
    return pref, chosen


def notify(
    kind: Kind,
    case: Case,
    *,
    visibility: Visibility | str = Visibility.EVERYONE,
    action: str = access.Action.VIEW,
    actor_id: int | None = None,
    only=None,
    due_on: date | None = None,
    dedupe_key: str | None = None,
) -> None:
    """Tell everyone who may open this change on `case` (but not the person who made it).

    `visibility` and `action` say who may open it, exactly as for the pages; `only` (a SELECT of
    user ids) narrows that to the people it concerns (the adviser asked, the person added), and
    never widens it. `dedupe_key` makes a reminder once-only per person. One SQL statement, in
    the caller's transaction: the notice is committed with the change, or not at all.
    """
    recipients = audience(case, visibility, action).subquery()
    pref, status = _email_status(kind)
    rows = (
        select(
            User.id,
            literal(case.id),
            literal(kind.value, String()),
            literal(clock.utcnow(), DateTime()),
            literal(due_on, Date()) if due_on else null(),
            literal(dedupe_key, String()) if dedupe_key else null(),
            status,
            literal(0),
        )
        .join(recipients, recipients.c.id == User.id)
        .outerjoin(pref, and_(pref.user_id == User.id, pref.kind == kind.value))
        # SQLite needs a WHERE in an INSERT ... SELECT ... ON CONFLICT (else ON is a join's).
        .where(true())
    )
    if actor_id is not None:
        rows = rows.where(User.id != actor_id)
    if only is not None:
        rows = rows.where(User.id.in_(only))
    columns = [
        "user_id",
        "case_id",
        "kind",
        "created_at",
        "due_on",
        "dedupe_key",
        "email_status",
        "attempts",
    ]
    statement = _insert().from_select(columns, rows)
    if dedupe_key:
        statement = statement.on_conflict_do_nothing()
    db.session.execute(statement)


# --- What's new ----------------------------------------------------------------------------------


def _still_open_to(user: User):
    """Notices about cases the person may still open (a revoked grant hides them at once)."""
    return _open_to(user.role == Role.CASE_OFFICER, user.organisation_id, user.id)


def _open_to(case_officer: bool, organisation_id: Any, user_id: Any):
    """`_still_open_to`, from values or `bindparam`s (for a statement built once)."""
    if case_officer:
        return Case.team_id == organisation_id
    # A live grant on the notice's case, asked notice by notice: as a subquery with LIMIT (not
    # EXISTS, which PostgreSQL turns into a join) it cannot start from the person's grants, of
    # which a school may hold hundreds, but goes through their unread notices (at most 101).
    return (
        select(CaseGrant.id)
        .where(
            CaseGrant.case_id == Notice.case_id,
            CaseGrant.user_id == user_id,
            CaseGrant.revoked_at.is_(None),
        )
        .limit(1)
        .correlate_except(CaseGrant)  # the notice, and the outer `user` row when there is one
        .scalar_subquery()
        .is_not(None)
    )


def _unread_query(case_officer: bool, organisation_id: Any, user_id: Any) -> Select:
    unread = (
        select(Notice.id)
        .join(Notice.case)
        .where(
            Notice.user_id == user_id,
            Notice.read_at.is_(None),
            _open_to(case_officer, organisation_id, user_id),
        )
        # Fetched with the session, the person is the outer statement's `user` row: a subquery
        # in FROM is not correlated unless told.
        .correlate(User)
        .limit(UNREAD_CAP + 1)
        .subquery()
    )
    return select(func.count()).select_from(unread)


#: Built once (see `portal/extensions.py`): a page that did not fetch the count with the session
#: runs one.
_UNREAD = {
    officer: _unread_query(officer, bindparam("organisation_id"), bindparam("user_id"))
    for officer in (True, False)
}


def unread_for_header() -> ColumnElement[Any]:
    """The unread count of the person in the `user` row of the statement it is part of: the
    header fact every whole page fetches with the session (`portal.wiring.HEADER_FACTS`)."""
    return sql_case(
        (
            User.role == Role.CASE_OFFICER,
            _unread_query(True, User.organisation_id, User.id).scalar_subquery(),
        ),
        else_=_unread_query(False, User.organisation_id, User.id).scalar_subquery(),
    )


@dataclass(frozen=True)
class NoticePage:
    notices: list[Notice]
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def whats_new(user: User, page: int = 1) -> NoticePage:
    """One page of the person's notices, newest first: one query, whatever their number."""
    page = max(page, 1)
    rows = list(
        db.session.scalars(
            select(Notice)
            .join(Notice.case)
            .where(Notice.user_id == user.id, _still_open_to(user))
            .order_by(Notice.created_at.desc(), Notice.id.desc())
            .limit(PAGE_SIZE + 1)
            .offset((page - 1) * PAGE_SIZE)
        ).unique()
    )
    return NoticePage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def unread_count(user: User) -> int:
    """How many notices the person has not marked read, up to UNREAD_CAP + 1: fetched with the
    session on a whole page, else one small query."""
    fetched = header_fact(user, UNREAD_FACT)
    if fetched is not None:
        return int(fetched)
    statement = _UNREAD[user.role == Role.CASE_OFFICER]
    params = {"user_id": user.id, "organisation_id": user.organisation_id}
    return db.session.scalar(statement, params) or 0


def mark_all_read(user: User) -> int:
    """Mark every notice of this person read. Records `notices.read` in the audit trail."""
    result = db.session.execute(
        update(Notice)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .values(read_at=clock.utcnow())
    )
    count = getattr(result, "rowcount", 0) or 0
    audit.record("notices.read", actor=user, count=count)
    db.session.commit()
    return count


# --- Preferences ---------------------------------------------------------------------------------


def kinds_for(user: User) -> list[Kind]:
    """The kinds a person can hear about (a family hears nothing about advice they give)."""
    if Role(user.role).is_family:
        return [
            k
            for k in Kind
            if k
            not in (
                Kind.ADVICE_REQUESTED,
                Kind.ADVICE_DUE_SOON,
                Kind.ADVICE_LATE,
                Kind.PLEDGE_TO_SIGN,
                Kind.REVIEW_REPORT_DUE,
            )
        ]
    council_only = () if user.role == Role.CASE_OFFICER else (Kind.REVIEW_REPORT_DUE,)
    return [k for k in Kind if k is not Kind.COMMENTS_DUE_SOON and k not in council_only]


def locked_kinds(user: User) -> set[Kind]:
    """Kinds this person cannot switch off or delay: statutory letters and the draft, for
    families."""
    if not Role(user.role).is_family:
        return set()
    return {k for k in Kind if KINDS[k].statutory_for_family}


def preferences(user: User) -> dict[Kind, Choice]:
    """The person's choice for each kind they can hear about (straight away unless they chose)."""
    chosen = {
        Kind(p.kind): Choice(p.choice)
        for p in db.session.scalars(
            select(NoticePreference).where(NoticePreference.user_id == user.id)
        )
    }
    locked = locked_kinds(user)
    return {k: Choice.NOW if k in locked else chosen.get(k, Choice.NOW) for k in kinds_for(user)}


def set_preferences(user: User, choices: dict[Kind, Choice]) -> None:
    """Save a person's choices. Statutory kinds for families stay "straight away" whatever is
    sent. Records `notices.preferences_changed` (the kinds and choices, nothing else)."""
    locked = locked_kinds(user)
    allowed = set(kinds_for(user))
    existing: dict[str, NoticePreference] = {
        str(p.kind): p
        for p in db.session.scalars(
            select(NoticePreference).where(NoticePreference.user_id == user.id)
        )
    }
    changed: dict[str, str] = {}
    for kind, choice in choices.items():
        if kind in locked or kind not in allowed:
            continue
        row = existing.get(kind.value)
        if row is None:
            if choice is Choice.NOW:
                continue
            db.session.add(NoticePreference(user_id=user.id, kind=kind, choice=choice))
        elif row.choice == choice.value:
            continue
        else:
            row.choice = choice
        changed[kind.value] = choice.value
    audit.record("notices.preferences_changed", actor=user, subject=user, changed=changed)
    db.session.commit()


def forget_unsent_email() -> int:
    """Mark every notice still waiting for its email as not to be emailed (they stay in What's
    new). For loading demo data, whose history nobody needs emailing about."""
    result = db.session.execute(
        update(Notice)
        .where(Notice.email_status.in_([EmailStatus.PENDING, EmailStatus.DIGEST]))
        .values(email_status=EmailStatus.NONE)
    )
    db.session.commit()
    return getattr(result, "rowcount", 0) or 0
