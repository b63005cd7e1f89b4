"""Who may change a grant (a person's access to one case): only the council's case officer for
that case's team. Listed with the other rules in `portal.wiring`."""

from __future__ import annotations

from portal import access
from portal.accounts.models import User
from portal.cases.models import CaseGrant


def grant_rule(user: User, action: str, grant: CaseGrant) -> bool:
    """MANAGE a live grant: whoever may manage its case. Ended grants cannot be changed, and
    nobody else (a school included) may change anyone's access."""
    return (
        action == access.Action.MANAGE
        and grant.revoked_at is None
        and access.can(user, access.Action.MANAGE, grant.case)
    )
