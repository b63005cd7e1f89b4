"""Who may change a grant (a person's access to one case): only the council's case officer for
that case's team. Registered with the one access policy (`portal.access`)."""

from __future__ import annotations

from portal import access
from portal.accounts.models import User
from portal.cases.models import CaseGrant


@access.rule_for(CaseGrant)
def _grant_rule(user: User, action: str, grant: CaseGrant) -> bool:
    """MANAGE a live grant: whoever may manage its case. Ended grants cannot be changed, and
    nobody else (a school included) may change anyone's access."""
    return (
        action == access.Action.MANAGE
        and grant.revoked_at is None
        and access.can(user, access.Action.MANAGE, grant.case)
    )
