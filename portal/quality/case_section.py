"""The case page's "Plan quality feedback" section: open actions from audits of this case's plan,
for the council's officers who run the case. Families and schools never see audits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import raiseload

from portal import access
from portal.accounts.models import Role
from portal.extensions import db
from portal.quality.models import Audit, QualityAction, SampledPlan

#: Built once (see `portal/extensions.py`): every case officer's case page runs it. The audit
#: is read for its grade and address only: not its auditor.
_OPEN_ACTIONS = (
    select(QualityAction, Audit)
    .join(Audit, Audit.id == QualityAction.audit_id)
    .join(SampledPlan, SampledPlan.id == Audit.sample_id)
    .where(SampledPlan.case_id == bindparam("case_id"), QualityAction.done_at.is_(None))
    .options(raiseload(Audit.auditor))
    .order_by(QualityAction.created_at)
    .limit(20)
)


def quality_section(case: Any, user: Any) -> dict | None:
    """Open actions on this case's plan (one query), for a case officer who manages the case."""
    if Role(user.role) is not Role.CASE_OFFICER or not access.can(user, access.Action.MANAGE, case):
        return None
    rows = db.session.execute(_OPEN_ACTIONS, {"case_id": case.id}).all()
    return {"actions": rows} if rows else None
