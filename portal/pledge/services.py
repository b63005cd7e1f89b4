"""Signing the pledge, and who on a case has signed it.

When a school or professional is given access to a case, their case page asks them to read and
sign the pledge. Signing records the published pledge revision they read, and tells everyone
on the case ("Sally Senco promised to follow the pledge"). The family's case page lists who has
promised and who has not yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import raiseload

from portal import access, audit
from portal.accounts.models import User
from portal.audit import Visibility
from portal.cases.models import Case, CaseGrant
from portal.cases.policy import live_grants
from portal.content.pages import PublishedPage, published_page
from portal.extensions import db
from portal.pledge.models import PledgeSignature
from portal.pledge.policy import SIGN, PledgePromise
from portal.refusals import NotAllowed

PLEDGE_SLUG = "pledge"


class PledgeNotPublished(LookupError):
    """There is no published pledge to sign (an editor has unpublished it)."""


def may_sign(user: User, case: Case) -> bool:
    """Is this person asked to sign the pledge on this case?"""
    return access.can(user, SIGN, PledgePromise(user, case))


#: Statements built once (see `portal/extensions.py`), run with the case's and person's ids.
_ONE_PERSON = (
    PledgeSignature.case_id == bindparam("case_id"),
    PledgeSignature.user_id == bindparam("user_id"),
)
_SIGNATURE = select(PledgeSignature).where(*_ONE_PERSON)
_HAS_SIGNED = select(PledgeSignature.id).where(*_ONE_PERSON).limit(1)
_SIGNATURES = (
    select(PledgeSignature)
    .where(PledgeSignature.case_id == bindparam("case_id"))
    .options(raiseload(PledgeSignature.user))
)


def signature_for(user: User, case: Case) -> PledgeSignature | None:
    return db.session.scalar(_SIGNATURE, {"case_id": case.id, "user_id": user.id})


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


def has_signed(user: User, case: Case) -> bool:
    """Has this person signed the pledge on this case? (Asked once a request.)"""
    answers = g.setdefault("_has_signed", {})
    if (user.id, case.id) not in answers:
        params = {"case_id": case.id, "user_id": user.id}
        answers[user.id, case.id] = db.session.scalar(_HAS_SIGNED, params) is not None
    return answers[user.id, case.id]


def pledge_lines(case: Case) -> list[PledgeLine]:
    """Everyone on the case who is asked to sign, with their signature or None: the case officer
    first, then schools and professionals in the order they joined. Drawn from the case's officer
    and live grants (read with the case) and one query for the case's signatures, remembered for
    the rest of the request: never a look through every account of the council."""
    cache = g.setdefault("_pledge_lines", {})
    if case.id not in cache:
        signatures = {
            signature.user_id: signature
            for signature in db.session.scalars(_SIGNATURES, {"case_id": case.id})
        }
        first_grants: dict[int, CaseGrant] = {}  # each person's first live grant
        for grant in live_grants(case):
            first_grants.setdefault(grant.user_id, grant)
        asked: list[tuple[User, str]] = []
        officer = case.case_officer
        if officer is not None and may_sign(officer, case):
            own = first_grants.get(officer.id)
            asked.append((officer, own.relationship_enum.label if own else "Case officer"))
        for user_id, grant in first_grants.items():
            if user_id != case.case_officer_id and may_sign(grant.user, case):
                asked.append((grant.user, grant.relationship_enum.label))
        cache[case.id] = [
            PledgeLine(user, _role_words(user, relationship), signatures.get(user.id))
            for user, relationship in asked
        ]
    return cache[case.id]
