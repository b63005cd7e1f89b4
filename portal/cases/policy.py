"""Who may see and do what on a case: the rule for `Case`, and the questions other packages ask
about a person and a case (their live grant, whether they are the team's case officer, which
visibilities they may see, which cases they may see at all).

Deny by default: a case officer may do everything on their team's cases; everyone else needs a
live grant, and the grant's ticks decide documents and updates. Admins get no access without one.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_app_context
from sqlalchemy import ColumnElement, CompoundSelect, Select, bindparam, event, inspect, select
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true

from portal import access
from portal.accounts.models import Role, User
from portal.audit import Visibility
from portal.cases.models import Case, CaseGrant, Relationship
from portal.extensions import db

#: Built once (see `portal/extensions.py`): every case page runs it.
_LIVE_GRANTS = (
    select(CaseGrant)
    .where(CaseGrant.case_id == bindparam("case_id"), CaseGrant.revoked_at.is_(None))
    .order_by(CaseGrant.granted_at, CaseGrant.id)
)


def live_grants(case: Case) -> list[CaseGrant]:
    """Everyone holding access to the case now, in the order they were given it: read once a
    request (a case has a handful), shared by the access checks and the pages that list them.
    A reading page may fetch them with the case (`joinedload(Case.live_grant_rows)`), saving
    the query. Writing a grant forgets what was read, and what came with the case (see below)."""
    cache = g.setdefault("_grants", {})
    if case.id not in cache:
        fetched: list[CaseGrant] | None = inspect(case).dict.get("live_grant_rows")
        if fetched is not None and not g.get("_grants_written"):
            cache[case.id] = list(fetched)
        else:
            cache[case.id] = list(db.session.scalars(_LIVE_GRANTS, {"case_id": case.id}))
    return cache[case.id]


def active_grant(user: User, case: Case) -> CaseGrant | None:
    """The person's live grant on a case (from `live_grants`, so no query of its own)."""
    return next((grant for grant in live_grants(case) if grant.user_id == user.id), None)


@event.listens_for(CaseGrant, "after_insert")
@event.listens_for(CaseGrant, "after_update")
@event.listens_for(CaseGrant, "after_delete")
def _forget_grants_read(_mapper, _connection, _grant) -> None:
    """Access given or taken away in this request is seen by the next check in it."""
    if has_app_context():
        g.pop("_grants", None)
        g._grants_written = True


def is_team_case_officer(user: User, case: Case) -> bool:
    return user.role == Role.CASE_OFFICER and case.team_id == user.organisation_id


def case_rule(user: User, action: str, case: Case) -> bool:
    """Case officers may do everything on their team's cases; everyone else needs a live grant,
    and the grant's ticks decide documents and updates. Admins get no access without a grant.
    "Tell us something" is the young person's own: only a young person on their own case."""
    if action == access.Action.TELL_US:
        grant = active_grant(user, case)
        return (
            user.role == Role.YOUNG_PERSON
            and grant is not None
            and grant.relationship_to_child == Relationship.YOUNG_PERSON
        )
    if is_team_case_officer(user, case):
        return True
    if action == access.Action.MANAGE:
        return False
    grant = active_grant(user, case)
    if grant is None:
        return False
    allowed: dict[str, bool] = {
        access.Action.VIEW: True,
        access.Action.VIEW_DOCUMENTS: grant.can_view_documents,
        access.Action.ADD_DOCUMENTS: grant.can_add_documents,
        access.Action.POST_UPDATES: grant.can_post_updates,
    }
    return allowed.get(action, False)


def may_see_visibility(user: User, case: Case, visibility: str) -> bool:
    """May a person who can view the case see an item with this visibility?

    A restriction only narrows what a grant allows: it never lets anyone in.
    """
    if not access.can(user, access.Action.VIEW, case):
        return False
    if visibility == Visibility.EVERYONE:
        return True
    if visibility == Visibility.PROFESSIONALS:
        return Role(user.role).is_professional
    if visibility == Visibility.COUNCIL:
        return is_team_case_officer(user, case)
    return False


def visibilities_for(user: User, case: Case) -> list[str]:
    """The visibilities a person may see on a case (for filtering lists in one query)."""
    return [v.value for v in Visibility if may_see_visibility(user, case, v)]


def audience(
    case: Case, visibility: str, action: str = access.Action.VIEW
) -> Select | CompoundSelect:
    """The ids of the people to tell about something on `case` with this visibility that needs
    `action` (VIEW or VIEW_DOCUMENTS): the same rule as `case_rule` and `may_see_visibility`, as one
    SQL query, so a notice goes to nobody who could not open what it is about.

    Everyone with a live grant that allows the action and whose role the visibility admits, and
    the case's own case officer (while they are on the case's team). Other officers on the team
    may open the case too, but are not told about every change to cases that are not theirs.
    Inactive accounts are never told anything. `tests/notifications/test_audience.py` checks
    this against `can`.
    """
    if visibility not in (Visibility.EVERYONE, Visibility.PROFESSIONALS, Visibility.COUNCIL):
        return select(User.id).where(sa_false())
    grant_holders = (
        select(User.id)
        .join(CaseGrant, CaseGrant.user_id == User.id)
        .where(
            CaseGrant.case_id == case.id,
            CaseGrant.revoked_at.is_(None),
            User.active.is_(True),
            # A case officer from another team with a grant is still not "the council" here.
            sa_false() if visibility == Visibility.COUNCIL else sa_true(),
        )
    )
    if action == access.Action.VIEW_DOCUMENTS:
        grant_holders = grant_holders.where(CaseGrant.can_view_documents.is_(True))
    elif action != access.Action.VIEW:
        raise ValueError(f"audience() answers for viewing, not {action!r}")
    if visibility == Visibility.PROFESSIONALS:
        grant_holders = grant_holders.where(
            User.role.in_([r.value for r in Role if r.is_professional])
        )
    officer = select(User.id).where(
        User.id == case.case_officer_id,
        User.role == Role.CASE_OFFICER,
        User.organisation_id == case.team_id,
        User.active.is_(True),
    )
    return grant_holders.union(officer)


def may_view_case(user: User) -> ColumnElement[bool]:
    """The condition "this person may view the case" on `Case`'s columns: their team's cases
    for case officers, the cases they hold a live grant on for everyone else. For a query that
    already joins the case (`Case.id IN (SELECT id FROM case ...)` would read every case)."""
    return viewer_may_view_case(user.role == Role.CASE_OFFICER, user.organisation_id, user.id)


def viewer_may_view_case(
    case_officer: bool, organisation_id: Any, user_id: Any
) -> ColumnElement[bool]:
    """`may_view_case` from the person's role, organisation and id: values, or `bindparam`s
    for a statement built once and run for whoever is asking."""
    if case_officer:
        return Case.team_id == organisation_id
    return Case.id.in_(select(CaseGrant.case_id).where(*holds_live_grant(user_id)))


def holds_live_grant(user_id: Any) -> tuple[ColumnElement[bool], ...]:
    """The conditions on `CaseGrant` for the person's live grants (the cases someone other
    than a case officer may view): for a statement that reads the grants themselves."""
    return (CaseGrant.user_id == user_id, CaseGrant.revoked_at.is_(None))


def visible_cases(user: User) -> Select:
    """A query for every case the person may view (`may_view_case`)."""
    return select(Case).where(may_view_case(user))
