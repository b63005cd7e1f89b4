"""Proposing and agreeing bands. The views check who may act (the one access policy); these
functions check the facts and write, raising `Refused` with a plain reason when they cannot.

Each proposal, decision and withdrawal is recorded on the audit trail and the case timeline:
proposals and withdrawals for the professionals on the case, decisions for everyone (the family
sees "Band 3 agreed for ..." but never the money, and the moderation reason stays in the audit
record and on the professionals' banding pages)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal import audit
from portal.accounts.models import User
from portal.audit import Visibility
from portal.cases.models import Case
from portal.clock import utcnow
from portal.extensions import db
from portal.funding.models import AREAS_OF_NEED, Banding, BandingStatus
from portal.funding.money import BANDS, BandingPeriod, SettingType
from portal.refusals import Refused


def propose(
    case: Case,
    by: User,
    *,
    area_of_need: str,
    band: int,
    setting_type: str,
    effective: date,
    statements: str,
    evidence: str,
    primary: bool = False,
) -> Banding:
    """Record a proposed band for one area of need (by the school or the case officer)."""
    if area_of_need not in AREAS_OF_NEED:
        raise Refused("Choose one of the four areas of need.", "area_of_need")
    if band not in BANDS:
        raise Refused("Choose a band from 1 to 6.", "band")
    if setting_type not in {s.value for s in SettingType}:
        raise Refused("Choose the type of school or setting.", "setting_type")
    if not statements.strip():
        raise Refused(
            "Say which descriptor statements fit the child best, so the panel can check the band.",
            "statements",
        )
    if not evidence.strip():
        raise Refused(
            "Say which needs and help in the plan show this band (sections B and F).", "evidence"
        )
    waiting = db.session.scalar(
        select(Banding.id).where(
            Banding.case_id == case.id,
            Banding.area_of_need == area_of_need,
            Banding.status == BandingStatus.PROPOSED.value,
        )
    )
    if waiting is not None:
        raise Refused(
            f"A band for {AREAS_OF_NEED[area_of_need].lower()} is already waiting to be agreed. "
            "The council must agree or withdraw it first.",
            "band",
        )
    banding = Banding(
        case_id=case.id,
        area_of_need=area_of_need,
        proposed_band=band,
        setting_type=setting_type,
        effective=effective,
        statements=statements.strip(),
        evidence=evidence.strip(),
        primary=primary,
        proposed_by_id=by.id,
    )
    db.session.add(banding)
    db.session.flush()
    if primary:
        _clear_other_primary(banding, BandingStatus.PROPOSED)
    audit.record(
        "funding.band_proposed",
        actor=by,
        case=case,
        subject=banding,
        visibility=Visibility.PROFESSIONALS,
        summary=f"Band {band} proposed for {banding.area_label.lower()}",
        area_of_need=area_of_need,
        band=band,
        effective=effective.isoformat(),
        primary=primary,
    )
    return banding


def decide(banding: Banding, by: User, *, band: int, reason: str) -> Banding:
    """Agree a proposed band, or a different one with the reason recorded (moderation)."""
    if banding.status != BandingStatus.PROPOSED.value:
        raise Refused("This band has already been decided.", "band")
    if band not in BANDS:
        raise Refused("Choose a band from 1 to 6.", "band")
    if band != banding.proposed_band and not reason.strip():
        raise Refused(
            f"Say why the band is {band} and not the proposed band {banding.proposed_band}.",
            "reason",
        )
    banding.agreed_band = band
    banding.moderation_reason = reason.strip()
    banding.status = BandingStatus.AGREED.value
    banding.decided_by_id = by.id
    banding.decided_at = utcnow()
    if banding.primary:
        _clear_other_primary(banding)
    db.session.flush()
    summary = f"Band {band} agreed for {banding.area_label.lower()}"
    audit.record(
        "funding.band_agreed",
        actor=by,
        case=db.session.get(Case, banding.case_id),
        subject=banding,
        visibility=Visibility.EVERYONE,
        summary=summary,
        area_of_need=banding.area_of_need,
        proposed_band=banding.proposed_band,
        agreed_band=band,
        changed=banding.was_changed,
        reason=banding.moderation_reason,
    )
    return banding


def withdraw(banding: Banding, by: User, *, reason: str = "") -> Banding:
    """Withdraw a proposal that will not be agreed (it stays in the history as withdrawn)."""
    if banding.status != BandingStatus.PROPOSED.value:
        raise Refused("Only a band waiting to be agreed can be withdrawn.", "reason")
    banding.status = BandingStatus.WITHDRAWN.value
    banding.moderation_reason = reason.strip()
    banding.decided_by_id = by.id
    banding.decided_at = utcnow()
    banding.primary = False
    db.session.flush()
    audit.record(
        "funding.band_withdrawn",
        actor=by,
        case=db.session.get(Case, banding.case_id),
        subject=banding,
        visibility=Visibility.PROFESSIONALS,
        summary=f"Proposed band {banding.proposed_band} withdrawn for {banding.area_label.lower()}",
        area_of_need=banding.area_of_need,
        reason=banding.moderation_reason,
    )
    return banding


def _clear_other_primary(banding: Banding, status: BandingStatus = BandingStatus.AGREED) -> None:
    """Only one area of need is primary for a case: agreeing (or proposing) a primary area
    makes the other areas' agreed (or waiting) bands from that date on not primary."""
    query = select(Banding).where(
        Banding.case_id == banding.case_id,
        Banding.id != banding.id,
        Banding.area_of_need != banding.area_of_need,
        Banding.primary.is_(True),
        Banding.status == status.value,
    )
    if status is BandingStatus.AGREED:
        query = query.where(Banding.effective <= banding.effective)
    for other in db.session.scalars(query):
        other.primary = False


def history(case: Case) -> list[Banding]:
    """Every banding of a case, newest effective date first (proposed, agreed and withdrawn)."""
    return list(
        db.session.scalars(
            select(Banding)
            .where(Banding.case_id == case.id)
            .order_by(Banding.effective.desc(), Banding.id.desc())
        )
    )


def agreed_periods(case: Case, area_of_need: str) -> list[BandingPeriod]:
    """The agreed bands for one area of need, as periods the money arithmetic prices (give it
    the day the plan ended, `CaseMilestones.ceased_on`, as `plan_ended`: nothing is due after)."""
    rows = db.session.scalars(
        select(Banding)
        .where(
            Banding.case_id == case.id,
            Banding.area_of_need == area_of_need,
            Banding.status == BandingStatus.AGREED.value,
        )
        .order_by(Banding.effective, Banding.id)
    )
    return [
        BandingPeriod(
            row.effective, row.agreed_band or row.proposed_band, SettingType(row.setting_type)
        )
        for row in rows
    ]
