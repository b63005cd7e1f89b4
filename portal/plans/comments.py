"""The draft and its 15 days: the family comments on a sent draft (or proposed amendments) in
the portal, section by section, asks for a meeting, names a school; saves and comes back; then
submits. Submitting records the day the comments arrived on the case, as the council's step
would. The case officer answers each comment ("you said, we did").

Who may comment: the young person and parents or carers on the case, on the latest version
sent to them while it is a draft or proposed amendments. Late or missing comments never block
the statutory clock: this only records what arrived and when.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import access, audit, clock, pathway
from portal.audit import Visibility
from portal.cases.models import CaseMilestones, Review
from portal.extensions import db
from portal.plans.about_me import may_write
from portal.plans.models import (
    FeedbackRound,
    PlanComment,
    PlanVersion,
    Response,
    Section,
    VersionKind,
)
from portal.refusals import NotAllowed, Refused


def open_for_comments(version: PlanVersion) -> bool:
    """A sent draft or proposed amendments that no later version has replaced."""
    if version.kind not in (VersionKind.DRAFT, VersionKind.PROPOSED):
        return False
    later = db.session.scalar(
        select(PlanVersion.id).where(
            PlanVersion.plan_id == version.plan_id,
            PlanVersion.number > version.number,
            PlanVersion.frozen_at.is_not(None),
        )
    )
    return later is None


def last_day(version: PlanVersion):
    """The last day for comments: 15 days counting the day it was sent."""
    assert version.frozen_at is not None
    return pathway.draft_comments_due(version.frozen_at.date())


def may_comment(user: Any, version: PlanVersion) -> bool:
    return may_write(user, version.plan.case) and open_for_comments(version)


def feedback_of(user: Any, version: PlanVersion) -> FeedbackRound | None:
    return db.session.scalar(
        select(FeedbackRound)
        .where(FeedbackRound.version_id == version.id, FeedbackRound.author_id == user.id)
        .options(selectinload(FeedbackRound.comments))
    )


def submitted_feedback(version: PlanVersion) -> list[FeedbackRound]:
    """Every submitted response to this version, with its comments (two queries)."""
    return list(
        db.session.scalars(
            select(FeedbackRound)
            .where(FeedbackRound.version_id == version.id, FeedbackRound.submitted_at.is_not(None))
            .options(selectinload(FeedbackRound.comments))
            .order_by(FeedbackRound.submitted_at)
        )
    )


def save_feedback(
    actor: Any,
    version: PlanVersion,
    *,
    comments: dict[Section, str],
    wants_meeting: bool,
    school_preference: str,
) -> FeedbackRound:
    """Save the family member's comments so far (nothing is sent to the council yet)."""
    if not may_comment(actor, version):
        raise NotAllowed
    feedback = feedback_of(actor, version)
    if feedback is None:
        feedback = FeedbackRound(version_id=version.id, author_id=actor.id)
        db.session.add(feedback)
        db.session.flush()
    if feedback.submitted_at is not None:
        raise Refused("You have already sent your comments on this version.")
    feedback.wants_meeting = wants_meeting
    feedback.school_preference = school_preference
    feedback.updated_at = clock.utcnow()
    existing = {Section(c.section): c for c in feedback.comments}
    order = list(Section)
    for section, text in comments.items():
        comment = existing.get(section)
        if text.strip():
            if comment is None:
                comment = PlanComment(
                    feedback=feedback, section=section, position=order.index(section)
                )
                db.session.add(comment)
            comment.text = text.strip()
        elif comment is not None:
            db.session.delete(comment)
    db.session.commit()
    return feedback


def submit_feedback(actor: Any, version: PlanVersion) -> FeedbackRound:
    """Send the saved comments to the council. Records the day they arrived on the case (the
    draft's family-comments date, or the review's amendment-comments date) if not yet recorded,
    and the school or college named."""
    if not may_comment(actor, version):
        raise NotAllowed
    feedback = feedback_of(actor, version)
    if feedback is None or (
        not feedback.comments and not feedback.wants_meeting and not feedback.school_preference
    ):
        raise Refused("Write a comment, ask for a meeting or name a school before you send.")
    if feedback.submitted_at is not None:
        raise Refused("You have already sent your comments on this version.")
    feedback.submitted_at = clock.utcnow()
    case = version.plan.case
    today = clock.today()
    if version.kind == VersionKind.DRAFT:
        row = db.session.scalar(select(CaseMilestones).where(CaseMilestones.case_id == case.id))
        if row is not None and row.draft_sent_on is not None and row.family_comments_on is None:
            row.family_comments_on = today
        if row is not None and feedback.school_preference:
            row.school_preference = feedback.school_preference
    else:
        review = db.session.scalar(
            select(Review)
            .where(
                Review.case_id == case.id,
                Review.amendments_sent_on.is_not(None),
                Review.amendment_comments_on.is_(None),
            )
            .order_by(Review.meeting_on.desc())
            .limit(1)
        )
        if review is not None:
            review.amendment_comments_on = today
    summary = f"{actor.name} sent comments on {version.label.lower()} of the plan."
    if feedback.wants_meeting:
        summary += " They asked for a meeting."
    if feedback.school_preference:
        summary += f" They asked for {feedback.school_preference}."
    audit.record(
        "plan.comments_submitted",
        actor=actor,
        case=case,
        subject=feedback,
        visibility=Visibility.EVERYONE,
        summary=summary,
    )
    db.session.commit()
    return feedback


def comment_by_id(version: PlanVersion, comment_id: int) -> PlanComment | None:
    return db.session.scalar(
        select(PlanComment)
        .join(FeedbackRound)
        .where(
            PlanComment.id == comment_id,
            FeedbackRound.version_id == version.id,
            FeedbackRound.submitted_at.is_not(None),
        )
    )


def respond(
    actor: Any, version: PlanVersion, comment: PlanComment, response: str, text: str
) -> PlanComment:
    """The case officer answers a comment: changed, or not changed with a reason."""
    case = version.plan.case
    if not access.can(actor, access.Action.MANAGE, case):
        raise NotAllowed
    if response not in {r.value for r in Response}:
        raise Refused("Select whether you changed the plan", "response")
    if response == Response.NOT_CHANGED and not text.strip():
        raise Refused("Say why the plan was not changed", "response_text")
    comment.response = Response(response)
    comment.response_text = text.strip()
    comment.responded_by_id = actor.id
    comment.responded_at = clock.utcnow()
    audit.record(
        "plan.comment_answered",
        actor=actor,
        case=case,
        subject=comment,
        visibility=Visibility.EVERYONE,
        summary=(
            f"The council answered a comment on Section {Section(comment.section).letter}: "
            f"{Response(response).label.lower()}."
        ),
    )
    db.session.commit()
    return comment
