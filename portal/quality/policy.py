"""Who may do what with plan quality audits. Audits are council-internal: families, schools and
professionals who are not auditing in a round never learn they exist (404).

- A quality lead runs the rounds of their own council team: opens them, draws the sample,
  moderates, reads every audit in them, and asks for re-audits.
- An auditor (or a professional or officer invited into a round) works on the audits assigned
  to them, never on a plan they wrote or manage; a second auditor cannot read the first audit.
- A case officer reads the submitted audits of the plans they manage, and the actions for them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, bindparam, exists, select

from portal.accounts.models import Role, User
from portal.accounts.services import header_fact
from portal.extensions import db
from portal.quality.models import Audit, AuditRound, QualityAction, RoundAuditor, SampledPlan
from portal.rendering import redirect_to_sign_in

AUDIT = "audit"  # answer criteria, save, submit
VIEW = "view"
RUN = "run"  # open, draw, moderate, re-audit
COMPLETE = "complete"  # the case officer says the action is done

#: Roles that may be invited into a round as auditors besides the quality staff.
INVITABLE_ROLES = (Role.AUDITOR, Role.QUALITY_LEAD, Role.PROFESSIONAL, Role.CASE_OFFICER)


def _role(user: Any) -> Role:
    return Role(user.role)


def is_lead_for(user: Any, round_: AuditRound) -> bool:
    return (
        _role(user) is Role.QUALITY_LEAD
        and user.organisation_id is not None
        and round_.team_id == user.organisation_id
    )


#: Built once (see `portal/extensions.py`): a request that did not fetch the answer with the
#: session runs it.
_IN_A_ROUND = select(exists().where(RoundAuditor.user_id == bindparam("user_id")))
#: The name of the answer among the header facts fetched with the session (for the menu).
IN_A_ROUND_FACT = "in_a_round"


def in_a_round_for_header() -> ColumnElement[Any]:
    """Whether the person in the `user` row of the statement it is part of is invited into a
    round: a header fact (`portal.wiring.HEADER_FACTS`), for "My audits" in the menu."""
    return exists().where(RoundAuditor.user_id == User.id).correlate_except(RoundAuditor)


def audits_in_any_round(user: Any) -> bool:
    """Quality staff always may; anyone else only while invited into a round."""
    if _role(user) in (Role.QUALITY_LEAD, Role.AUDITOR):
        return True
    if _role(user) not in INVITABLE_ROLES:
        return False
    fetched = header_fact(user, IN_A_ROUND_FACT)
    if fetched is not None:
        return bool(fetched)
    return bool(db.session.scalar(_IN_A_ROUND, {"user_id": user.id}))


def round_rule(user: Any, action: str, round_: AuditRound) -> bool:
    """Only the quality lead of the round's team may see or run a round."""
    return action in (VIEW, RUN) and is_lead_for(user, round_)


def sample_rule(user: Any, action: str, sample: SampledPlan) -> bool:
    """Moderating a sampled plan: the round's quality lead, unless they audited it or wrote or
    manage the plan."""
    if action != RUN or user.id in (sample.conflicted_user_ids or []):
        return False
    round_ = db.session.get(AuditRound, sample.round_id)
    return round_ is not None and is_lead_for(user, round_)


def audit_rule(user: Any, action: str, audit: Audit) -> bool:
    """The assigned auditor works on a draft audit; the auditor, the round's quality lead and
    (once submitted, first audits and re-audits only) the plan's case officer may read it."""
    conflicted = user.id in (audit.sample.conflicted_user_ids or [])
    if action == AUDIT:
        return audit.auditor_id == user.id and not audit.is_submitted and not conflicted
    if action != VIEW:
        return False
    if audit.auditor_id == user.id or is_lead_for(user, audit.round):
        return True
    return (
        audit.is_submitted
        and audit.kind != "second"
        and _role(user) is Role.CASE_OFFICER
        and audit.sample.case_officer_id == user.id
    )


def action_rule(user: Any, action: str, item: QualityAction) -> bool:
    """The case officer it is for reads it and marks it done; the lead may ask for a re-audit."""
    if action in (VIEW, COMPLETE) and item.officer_id == user.id:
        return True
    return action in (VIEW, RUN) and is_lead_for(user, item.audit.round)


def quality_staff(view: Callable) -> Callable:
    """Quality leads, auditors, and anyone invited into a round; 404 for everyone else."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect_to_sign_in()
        if not audits_in_any_round(current_user):
            abort(404)
        return view(*args, **kwargs)

    wrapper.access_rule = "quality_staff"  # type: ignore[attr-defined]  # read by the URL-map test
    return wrapper


def _only(role: Role) -> Callable[[Callable], Callable]:
    """Signed-in people with this role only; 404 for everyone else (audits are not to be known
    of outside the council's quality work)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect_to_sign_in()
            if _role(current_user) is not role:
                abort(404)
            return view(*args, **kwargs)

        wrapper.access_rule = f"role:{role.value}"  # type: ignore[attr-defined]
        return wrapper

    return decorator


quality_lead = _only(Role.QUALITY_LEAD)
case_officer = _only(Role.CASE_OFFICER)
