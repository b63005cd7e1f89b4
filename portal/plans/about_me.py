"""'All about me': the young person and each parent or carer write their part of Section A.

Who may write: the young person and parents or carers holding a live grant on the case, each
their own part, at any stage. The case officers read every part and may change one (to place
it in the plan); the family then sees who changed it. Every change is on the case timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

from portal import access, audit, clock
from portal.audit import Visibility
from portal.cases.models import Case, Relationship
from portal.cases.policy import active_grant
from portal.extensions import db
from portal.plans.models import ABOUT_ME_PROMPTS, AboutMe
from portal.refusals import NotAllowed

WRITE = "write_about_me"


@dataclass(frozen=True)
class AboutMeAuthor:
    """`user` writing their own part of "All about me" on `case`."""

    user: Any
    case: Case


def about_me_rule(user: Any, action: str, author: AboutMeAuthor) -> bool:
    """The young person and parents or carers on the case write their own part."""
    if action != WRITE or author.user.id != user.id:
        return False
    grant = active_grant(user, author.case)
    return grant is not None and Relationship(grant.relationship_to_child).is_family


# --- What the young person told us, for the officer writing Section A -----------------------

#: Handed over by `portal.wiring` (the documents package's "Tell us something"): a function of
#: (case, reader) giving what the young person told us that the reader may see, newest first;
#: each item has body, created_at, author (with name), who_sees (with label) and picture (a
#: document with `latest.public_id`, or None). This package never imports where they come from.
ToldUs = Callable[[Case, Any], Sequence[Any]]
_TOLD_US = "portal.plans.told_us"


def install_told_us(app: Flask, source: ToldUs) -> None:
    app.extensions[_TOLD_US] = source


def told_us(case: Case, reader: Any) -> list[Any]:
    """What the young person told us on `case` that `reader` may see (none if nothing is
    installed)."""
    source = current_app.extensions.get(_TOLD_US)
    return list(source(case, reader)) if source is not None else []


def may_write(user: Any, case: Case) -> bool:
    return access.can(user, WRITE, AboutMeAuthor(user, case))


def parts_for(case: Case) -> list[AboutMe]:
    """Every part written on the case, oldest first (one query)."""
    return list(
        db.session.scalars(
            select(AboutMe).where(AboutMe.case_id == case.id).order_by(AboutMe.created_at)
        )
    )


def own_part(user: Any, case: Case) -> AboutMe | None:
    return db.session.scalar(
        select(AboutMe).where(AboutMe.case_id == case.id, AboutMe.author_id == user.id)
    )


def part_by_id(case: Case, part_id: int) -> AboutMe | None:
    return db.session.scalar(
        select(AboutMe).where(AboutMe.case_id == case.id, AboutMe.id == part_id)
    )


def _apply(part: AboutMe, answers: dict[str, str], actor: Any) -> None:
    for column, _question in ABOUT_ME_PROMPTS:
        setattr(part, column, (answers.get(column) or "").strip())
    part.updated_at = clock.utcnow()
    part.changed_by_id = actor.id


def save_own_part(actor: Any, case: Case, answers: dict[str, str]) -> AboutMe:
    """Save the person's own part (creating it the first time). Everyone on the case sees on
    the timeline that it changed; the words themselves are read on the plan pages."""
    if not may_write(actor, case):
        raise NotAllowed
    part = own_part(actor, case)
    if part is None:
        part = AboutMe(case_id=case.id, author_id=actor.id)
        db.session.add(part)
    _apply(part, answers, actor)
    db.session.flush()
    audit.record(
        "plan.about_me_saved",
        actor=actor,
        case=case,
        subject=part,
        visibility=Visibility.EVERYONE,
        summary=f"{actor.name} added to “All about me”.",
    )
    db.session.commit()
    return part


def council_change(actor: Any, case: Case, part: AboutMe, answers: dict[str, str]) -> AboutMe:
    """The case officer changes a family member's part to place it in the plan. The family sees
    the change and who made it; the words before the change stay in the event's detail."""
    if not access.can(actor, access.Action.MANAGE, case) or part.case_id != case.id:
        raise NotAllowed
    before = {column: getattr(part, column) for column, _q in ABOUT_ME_PROMPTS}
    _apply(part, answers, actor)
    audit.record(
        "plan.about_me_changed",
        actor=actor,
        case=case,
        subject=part,
        visibility=Visibility.EVERYONE,
        summary=f"{actor.name} (council) changed {part.author.name}’s part of “All about me”.",
        before=before,
    )
    db.session.commit()
    return part


def snapshot(case: Case) -> list[dict]:
    """The parts as they stand, for a version being frozen."""
    grants = {
        g.user_id: Relationship(g.relationship_to_child).label
        for g in case.grants
        if g.revoked_at is None
    }
    return [
        {
            "author": part.author.name,
            "relationship": grants.get(part.author_id, ""),
            "answers": [list(pair) for pair in part.answers()],
            "changed_by": part.changed_by.name
            if part.changed_by_council and part.changed_by
            else None,
        }
        for part in parts_for(case)
        if part.answers()
    ]
