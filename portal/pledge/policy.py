"""Who is asked to sign the pledge on a case: schools and other professionals working on it,
and the case's own case officer, who looks after the plan.

The rule is for `PledgePromise` (a person and a case), so the decision is made by
`access.can` like every other, never inside a view.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.accounts.models import Role, User
from portal.cases.models import Case
from portal.cases.policy import active_grant

SIGN = "sign"
#: Schools and professionals sign on the cases they are given access to; a case officer signs on
#: the cases they manage (the young person is told the officer looks after their plan).
GRANTED_SIGNING_ROLES = (Role.SCHOOL, Role.PROFESSIONAL)
SIGNING_ROLES = (*GRANTED_SIGNING_ROLES, Role.CASE_OFFICER)


@dataclass(frozen=True)
class PledgePromise:
    """`user` promising, on `case`, to follow the pledge."""

    user: User
    case: Case


def pledge_rule(user: User, action: str, promise: PledgePromise) -> bool:
    """A school or professional may sign for themselves on a case they hold a live grant on;
    a case officer on the case they manage, while they are on its team."""
    if action != SIGN or promise.user.id != user.id:
        return False
    if user.role == Role.CASE_OFFICER:
        return (
            promise.case.case_officer_id == user.id and promise.case.team_id == user.organisation_id
        )
    return user.role in GRANTED_SIGNING_ROLES and active_grant(user, promise.case) is not None
