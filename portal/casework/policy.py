"""Access rules for the parts of a case the case officer manages (advice requests, school
consultations, reviews): whoever may do something to the case may do it to its parts."""

from __future__ import annotations

from portal import access
from portal.accounts.models import User
from portal.cases.models import AdviceRequest, Review, SchoolConsultation


def part_of_case_rule(user: User, action: str, part: AdviceRequest | SchoolConsultation | Review):
    """A part of a case follows its case's rule (MANAGE: the team's case officer only)."""
    return access.can(user, action, part.case)
