"""Signing the pledge, and who on a case has signed it.

When a school or professional is given access to a case, their case page asks them to read and
sign the pledge. Signing records the published pledge revision they read, and tells everyone
on the case ("Sally Senco promised to follow the pledge"). The family's case page lists who has
promised and who has not yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError

from portal import access, audit
from portal.accounts.models import User
from portal.audit import Visibility
from portal.cases.models import Case, CaseGrant
from portal.content.pages import PublishedPage, published_page
from portal.extensions import db
from portal.pledge.models import PledgeSignature
from portal.pledge.policy import SIGN, SIGNING_ROLES, PledgePromise
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
    """A professional on the case and their signature, if they have signed."""

    grant: CaseGrant
    signature: PledgeSignature | None

    @property
    def user(self) -> User:
        return self.grant.user

    @property
    def role(self) -> str:
        """Their job and where they work, in words: "Educational psychologist, Northfield ..."."""
        job = self.user.job_title or self.grant.relationship_enum.label
        organisation = self.user.organisation.name if self.user.organisation else None
        return f"{job}, {organisation}" if organisation else job


def pledge_lines(case: Case) -> list[PledgeLine]:
    """Everyone on the case who is asked to sign, with their signature or None (one query,
    remembered for the rest of the request)."""
    cache = g.setdefault("_pledge_lines", {})
    if case.id not in cache:
        rows = db.session.execute(
            select(CaseGrant, PledgeSignature)
            .join(User, User.id == CaseGrant.user_id)
            .outerjoin(
                PledgeSignature,
                and_(
                    PledgeSignature.case_id == CaseGrant.case_id,
                    PledgeSignature.user_id == CaseGrant.user_id,
                ),
            )
            .where(
                CaseGrant.case_id == case.id,
                CaseGrant.revoked_at.is_(None),
                User.role.in_([str(role) for role in SIGNING_ROLES]),
            )
            .order_by(CaseGrant.granted_at, CaseGrant.id)
        ).all()
        seen: set[int] = set()
        lines = []
        for grant, signature in rows:
            if grant.user_id not in seen:
                seen.add(grant.user_id)
                lines.append(PledgeLine(grant, signature))
        cache[case.id] = lines
    return cache[case.id]
