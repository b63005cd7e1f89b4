"""Who is asked to sign the pledge on a case: schools and other professionals working on it.

The rule is for `PledgePromise` (a person and a case), so the decision is made by
`access.can` like every other, never inside a view.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.accounts.models import Role, User
from portal.cases.models import Case
from portal.cases.policy import active_grant

SIGN = "sign"
# Council case officers run the case and are bound by the council's own policies; the pledge is
# asked of the school and the professionals the council brings in.
SIGNING_ROLES = (Role.SCHOOL, Role.PROFESSIONAL)


@dataclass(frozen=True)
class PledgePromise:
    """`user` promising, on `case`, to follow the pledge."""

    user: User
    case: Case


def pledge_rule(user: User, action: str, promise: PledgePromise) -> bool:
    """A school or professional may sign for themselves on a case they hold a live grant on."""
    return (
        action == SIGN
        and promise.user.id == user.id
        and user.role in SIGNING_ROLES
        and active_grant(user, promise.case) is not None
    )
