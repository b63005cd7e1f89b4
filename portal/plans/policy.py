"""Who may read and write a plan's versions.

- Reading a frozen version (a draft sent, a final plan, proposed amendments, an amended plan):
  everyone who may see the case's documents: the family and the professionals on the case, and
  the team's case officers. Everyone else: as if it did not exist.
- Reading the working copy: only the council's case officers for the case (it is not sent yet).
- Writing: only the working copy, only the case's team case officers (`services` checks again).

The decision rests on the case rule (`access.can` on the case), never on the role alone.
"""

from __future__ import annotations

from typing import Any

from portal import access
from portal.plans.models import PlanVersion

READ = "read_plan"
EDIT = "edit_plan"


def version_rule(user: Any, action: str, version: PlanVersion) -> bool:
    """Frozen versions: people who may see the case's documents. The working copy, and every
    change: the case's team case officers only."""
    case = version.plan.case
    if access.can(user, access.Action.MANAGE, case):
        return action == READ or (action == EDIT and not version.is_frozen)
    if action != READ or not version.is_frozen:
        return False
    return access.can(user, access.Action.VIEW_DOCUMENTS, case)
