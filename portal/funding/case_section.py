"""The case page's "Funding bands" section: the agreed bands in force, in plain words.

Families and young people see each band and a link to what it means, never money. The school and
the council also see the annual top-up each band brings, priced from the stored tariff of this
financial year, and what is due for the area this year, worked out as the finance pages do (up
to the next band or the letter ending the plan). Nothing is shown when the council has not set a
tariff."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, exists, or_, select
from sqlalchemy.orm import aliased

from portal import clock
from portal.accounts.models import Role
from portal.cases.models import CaseMilestones
from portal.extensions import db
from portal.funding.finance import case_due_in_year
from portal.funding.models import Banding, BandingStatus
from portal.funding.money import FinancialYear, SettingType
from portal.funding.policy import PROPOSE, VIEW, may
from portal.funding.tariff import load_year

#: The descriptor page (a content page, `portal.content.pages.BAND_PAGES`) for each area of need.
DESCRIPTOR_SLUGS = {
    "communication": "bands-communication-and-interaction",
    "cognition": "bands-cognition-and-learning",
    "semh": "bands-social-emotional-and-mental-health",
    "sensory_physical": "bands-sensory-and-physical",
}


def _agreed_by_today(banding: Any) -> Any:
    return and_(
        banding.case_id == bindparam("case_id"),
        banding.status == BandingStatus.AGREED.value,
        banding.effective <= bindparam("today"),
    )


_LATER = aliased(Banding)
#: Built once (see `portal/extensions.py`): every case overview runs it. The band in force in
#: each area: agreed, started by today, and no later agreed one started by today (the same rule
#: as `moderation.in_force`), so the page reads one row an area however long the history.
_IN_FORCE = select(Banding).where(
    _agreed_by_today(Banding),
    ~exists().where(
        _agreed_by_today(_LATER),
        _LATER.area_of_need == Banding.area_of_need,
        or_(
            _LATER.effective > Banding.effective,
            and_(_LATER.effective == Banding.effective, _LATER.id > Banding.id),
        ),
    ),
)


def bands_section(case: Any, user: Any) -> dict | None:
    """The bands in force today for this case, one per area of need (one query), with links to
    the bands page (what each band means; proposals and history) and to propose a band."""
    if not may(user, VIEW, case):
        return None
    today = clock.today()
    rows = db.session.scalars(_IN_FORCE, {"case_id": case.id, "today": today})
    in_force = {row.area_of_need: row for row in rows}
    may_propose = may(user, PROPOSE, case)
    if not in_force and not may_propose:
        return None
    year = FinancialYear.containing(today)
    # Only the school and the council see money, and only beside a band: nobody else's page,
    # and no case without an agreed band, reads the tariff.
    sees_money = in_force and user.role in (Role.SCHOOL, Role.CASE_OFFICER)
    stored = load_year(year) if sees_money else None
    tariff = stored.tariff if stored is not None else None
    shows_money = tariff is not None
    due: dict[str, int] = {}
    ended_on = None
    if shows_money and tariff is not None and in_force:
        due = case_due_in_year(tariff, case.id)
        ended_on = db.session.scalar(
            select(CaseMilestones.ceased_on).where(CaseMilestones.case_id == case.id)
        )
    bands = [
        {
            "area": banding.area_label,
            "band": banding.agreed_band,
            "primary": banding.primary,
            "effective": banding.effective,
            "slug": DESCRIPTOR_SLUGS[banding.area_of_need],
            "top_up": tariff.annual_top_up(
                banding.agreed_band or banding.proposed_band, SettingType(banding.setting_type)
            )
            if shows_money and tariff is not None
            else None,
            "due": due.get(banding.area_of_need, 0),
        }
        for banding in sorted(in_force.values(), key=lambda b: (not b.primary, b.area_of_need))
    ]
    return {
        "bands": bands,
        "shows_money": shows_money,
        "year": year,
        "ended_on": ended_on,
        "may_propose": may_propose,
        "case_id": case.public_id,
        "illustrative": stored is not None and shows_money and stored.illustrative,
    }
