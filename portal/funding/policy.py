"""Who may see and do what with a case's funding bands (the rules `portal.wiring` installs).

- Families (the young person, parents and carers on the case) see the agreed bands in plain words,
  never money and never a proposal still being decided.
- A school sees and proposes bands only for its own pupils (the child's school is the SENCO's
  school) whose case the council shared with it (a live grant that shows documents).
- The case officers of the council's team see, propose and decide bands on its cases.
- Funding officers see and decide the bands of their own council's cases; they do not propose.
- Everyone else: nothing, and the pages answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select

from portal import access
from portal.accounts.models import Role, User
from portal.cases.models import Case, Relationship
from portal.cases.policy import active_grant, is_team_case_officer
from portal.extensions import db
from portal.funding.models import Banding
from portal.rendering import redirect_to_sign_in

#: See the agreed bands (families: in plain words only).
VIEW = "view_bands"
#: See proposals, evidence and history (schools, case officers, funding officers).
VIEW_DETAIL = "view_band_detail"
PROPOSE = "propose_band"
DECIDE = "decide_band"  # agree, change with a reason, or withdraw

COUNCIL_STAFF = (Role.CASE_OFFICER, Role.FUNDING_OFFICER)


@dataclass(frozen=True)
class CaseBands:
    """The funding bands of one case, as an object the access policy can be asked about."""

    case: Case


def _is_council_funding_officer(user: User, case: Case) -> bool:
    return user.role == Role.FUNDING_OFFICER and case.team_id == user.organisation_id


def _is_the_pupils_school(user: User, case: Case) -> bool:
    if user.role != Role.SCHOOL or user.organisation_id is None:
        return False
    grant = active_grant(user, case)
    if grant is None or not grant.can_view_documents:
        return False
    # The case's child is loaded once per request (the case page shows it anyway).
    return case.child.school_id == user.organisation_id


def _is_family(user: User, case: Case) -> bool:
    if user.role not in (Role.PARENT, Role.YOUNG_PERSON):
        return False
    grant = active_grant(user, case)
    return (
        grant is not None
        and grant.can_view_documents
        and Relationship(grant.relationship_to_child).is_family
    )


def case_bands_rule(user: User, action: str, bands: CaseBands) -> bool:
    """Who may see, propose and decide a case's bands (the module docstring says who)."""
    case = bands.case
    if is_team_case_officer(user, case):
        return action in (VIEW, VIEW_DETAIL, PROPOSE, DECIDE)
    if _is_council_funding_officer(user, case):
        return action in (VIEW, VIEW_DETAIL, DECIDE)
    if _is_the_pupils_school(user, case):
        return action in (VIEW, VIEW_DETAIL, PROPOSE)
    if _is_family(user, case):
        return action == VIEW
    return False


def banding_rule(user: User, action: str, banding: Banding) -> bool:
    """One banding: whoever may do `action` to its case's bands."""
    case = db.session.get(Case, banding.case_id)
    return case is not None and case_bands_rule(user, action, CaseBands(case))


def may(user: Any, action: str, case: Case) -> bool:
    return access.can(user, action, CaseBands(case))


def load_case_bands(action: str) -> Callable[[Callable], Callable]:
    """Load the case named by `case_id` and check `action` on its bands; 404 if not allowed.

    Funding officers may not open the case itself (the case rule is for people on the case), so
    this asks the bands rule rather than `access.load(Case, ...)`. Puts the case on `g.case`.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect_to_sign_in()
            case = db.session.scalar(select(Case).where(Case.public_id == kwargs.pop("case_id")))
            if case is None or not may(current_user, action, case):
                abort(404)
            g.case = case
            return view(*args, **kwargs)

        wrapper.access_rule = f"load:CaseBands:{action}"  # type: ignore[attr-defined]
        return wrapper

    return decorator


def council_funding_staff(view: Callable) -> Callable:
    """Case officers and funding officers (each sees their own council's work); 404 for others."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect_to_sign_in()
        if current_user.role not in COUNCIL_STAFF or current_user.organisation_id is None:
            abort(404)
        return view(*args, **kwargs)

    wrapper.access_rule = "role:case_officer,funding_officer"  # type: ignore[attr-defined]
    return wrapper
