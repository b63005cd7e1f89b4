"""Signing the pledge, and who on a case has signed it.

When a school or professional is given access to a case, their case page asks them to read and
sign the pledge. Signing records the published pledge revision they read, and tells everyone
on the case ("Sally Senco promised to follow the pledge"). The family's case page lists who has
promised and who has not yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g
from sqlalchemy import and_, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal import access, audit
from portal.accounts.models import Role, User
from portal.audit import Visibility
from portal.cases.models import Case, CaseGrant
from portal.content.pages import PublishedPage, published_page
from portal.extensions import db
from portal.pledge.models import PledgeSignature
from portal.pledge.policy import GRANTED_SIGNING_ROLES, SIGN, PledgePromise
from portal.refusals import NotAllowed

PLEDGE_SLUG = "pledge"


class PledgeNotPublished(LookupError):
    """There is no published pledge to sign (an editor has unpublished it)."""


def may_sign(user: User, case: Case) -> bool:
    """Is this person asked to sign the pledge on this case?"""
    return access.can(user, SIGN, PledgePromise(user, case))


def signature_for(user: User, case: Case) -> PledgeSignature | None:
    return db.session.scalar(
        select(PledgeSignature).where(
            PledgeSignature.case_id == case.id, PledgeSignature.user_id == user.id
        )
    )


def current_pledge() -> PublishedPage | None:
    """The pledge as published now (what a professional reads before they sign)."""
    return published_page(PLEDGE_SLUG)


def pledge_to_sign(user: User, case: Case) -> tuple[PublishedPage | None, PledgeSignature | None]:
    """The pledge to read and this person's signature on the case, if they signed already.

    NotAllowed for anyone who is not asked to sign on this case.
    """
    if not may_sign(user, case):
        raise NotAllowed
    return current_pledge(), signature_for(user, case)


def sign_pledge(user: User, case: Case) -> PledgeSignature:
    """Record that `user` promised, on `case`, to follow the published pledge.

    Only a school or professional with a live grant on the case may sign (NotAllowed otherwise).
    Signing again returns the first signature and records nothing new. Records `pledge.signed`
    on the case timeline, for everyone on the case to see.
    """
    if not may_sign(user, case):
        raise NotAllowed
    existing = signature_for(user, case)
    if existing is not None:
        return existing
    pledge = current_pledge()
    if pledge is None:
        raise PledgeNotPublished
    signature = PledgeSignature(case_id=case.id, user_id=user.id, revision_id=pledge.revision_id)
    db.session.add(signature)
    try:
        db.session.flush()
    except IntegrityError:  # signed twice at once, in two tabs: the first one counts
        db.session.rollback()
        first = signature_for(user, case)
        if first is None:  # not a second signature after all: let the error show
            raise
        return first
    audit.record(
        "pledge.signed",
        actor=user,
        case=case,
        subject=signature,
        visibility=Visibility.EVERYONE,
        summary=f"{user.name} promised to follow the pledge",
        revision=pledge.number,
    )
    db.session.commit()
    return signature


@dataclass(frozen=True)
class PledgeLine:
    """Someone asked to sign on the case, who they are in words, and their signature if any."""

    user: User
    role: str  # "Educational psychologist, Northfield ...", "Case officer, Northfield Council"
    signature: PledgeSignature | None


def _role_words(user: User, relationship: str) -> str:
    job = user.job_title or relationship
    return f"{job}, {user.organisation.name}" if user.organisation else job


def pledge_lines(case: Case) -> list[PledgeLine]:
    """Everyone on the case who is asked to sign, with their signature or None: the case officer
    first, then schools and professionals in the order they joined (one query, remembered for
    the rest of the request)."""
    cache = g.setdefault("_pledge_lines", {})
    if case.id not in cache:
        is_officer = and_(
            User.id == case.case_officer_id,
            User.role == Role.CASE_OFFICER.value,
            User.organisation_id == case.team_id,
        )
        rows = db.session.execute(
            select(User, CaseGrant, PledgeSignature)
            .outerjoin(
                CaseGrant,
                and_(
                    CaseGrant.user_id == User.id,
                    CaseGrant.case_id == case.id,
                    CaseGrant.revoked_at.is_(None),
                ),
            )
            .outerjoin(
                PledgeSignature,
                and_(PledgeSignature.case_id == case.id, PledgeSignature.user_id == User.id),
            )
            .where(
                or_(
                    is_officer,
                    and_(
                        CaseGrant.id.is_not(None),
                        User.role.in_([str(role) for role in GRANTED_SIGNING_ROLES]),
                    ),
                )
            )
            .order_by(sql_case((is_officer, 0), else_=1), CaseGrant.granted_at, CaseGrant.id)
            .options(joinedload(User.organisation))
        ).all()
        seen: set[int] = set()
        lines = []
        for user, grant, signature in rows:
            if user.id in seen:
                continue
            seen.add(user.id)
            relationship = "Case officer" if grant is None else grant.relationship_enum.label
            lines.append(PledgeLine(user, _role_words(user, relationship), signature))
        cache[case.id] = lines
    return cache[case.id]
