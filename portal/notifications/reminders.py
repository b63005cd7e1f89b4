"""Periodic jobs: reminders before deadlines, and gathering the daily summaries.

Both are safe to run as often as anyone likes: a reminder is a notice with a `dedupe_key`, which
the database lets each person have once (a second run inserts nothing), and a summary is one row
per person per day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import Date, DateTime, String, and_, cast, exists, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from portal import audit_anchor, clock, pathway
from portal.accounts.models import User
from portal.cases.models import AdviceRequest, Case, CaseMilestones, LawfulDelay, Review
from portal.extensions import db
from portal.notifications.kinds import EmailStatus, Kind
from portal.notifications.models import Notice, NoticeDigest
from portal.notifications.services import FAMILY_ROLES, notify

#: Reminders before a deadline: advice (6 weeks) and the family's comments on a draft (15 days).
ADVICE_NOTICE = timedelta(days=7)
COMMENTS_NOTICE = timedelta(days=3)
REPORT_NOTICE = timedelta(days=3)


def _advice_window(today: date, days_before: int) -> tuple[date, date]:
    """Requests sent on these dates (inclusive) have their advice due within `days_before`
    days from today (and not yet late). Advice is due 6 weeks after the request."""
    six_weeks = pathway.advice_due(today) - today
    return today - six_weeks, today - six_weeks + timedelta(days=days_before)


def remind(today: date | None = None) -> int:
    """Give the reminders due today; returns how many reminders were considered.

    - advice due within 7 days: the person asked;
    - advice late: the person asked and the case officer (unless a lawful delay is recorded);
    - 3 days (or fewer) left for the family's comments on the draft plan, or on the changes
      proposed after a review: the family;
    - a review meeting's report due within 3 days and not yet sent: the case officer.
    Closed cases, advice already received and time limits the officer recorded a lawful delay
    for are left alone: a reminder of a time limit that does not apply only alarms people.
    """
    today = today or clock.today()
    considered = 0
    earliest, latest = _advice_window(today, ADVICE_NOTICE.days)
    outstanding = (
        select(AdviceRequest, Case)
        .join(Case, Case.id == AdviceRequest.case_id)
        .where(
            AdviceRequest.received_on.is_(None),
            AdviceRequest.adviser_id.is_not(None),
            Case.closed_at.is_(None),
        )
    )
    # Advice whose time limit lawfully does not apply (a recorded lawful delay) is neither
    # "due soon" nor "late".
    lawfully_delayed = exists().where(
        LawfulDelay.case_id == AdviceRequest.case_id,
        LawfulDelay.deadline_key == literal("advice:") + cast(AdviceRequest.id, String),
    )
    outstanding = outstanding.where(~lawfully_delayed)
    for advice, case in db.session.execute(
        outstanding.where(AdviceRequest.sent_on.between(earliest, latest))
    ).all():
        notify(
            Kind.ADVICE_DUE_SOON,
            case,
            only=[advice.adviser_id],
            due_on=pathway.advice_due(advice.sent_on),
            dedupe_key=f"advice_due_soon:{advice.id}",
        )
        considered += 1
    for advice, case in db.session.execute(
        outstanding.where(AdviceRequest.sent_on < earliest)
    ).all():
        notify(
            Kind.ADVICE_LATE,
            case,
            only=[i for i in (advice.adviser_id, case.case_officer_id) if i],
            due_on=pathway.advice_due(advice.sent_on),
            dedupe_key=f"advice_late:{advice.id}",
        )
        considered += 1

    last_day_from = today
    last_day_to = today + COMMENTS_NOTICE
    window = pathway.draft_comments_due(today) - today  # 14 days after the day it was sent
    for milestones, case in db.session.execute(
        select(CaseMilestones, Case)
        .join(Case, Case.id == CaseMilestones.case_id)
        .where(
            Case.stage == pathway.Stage.DRAFT.value,
            CaseMilestones.family_comments_on.is_(None),
            CaseMilestones.draft_sent_on.between(last_day_from - window, last_day_to - window),
        )
    ).all():
        assert milestones.draft_sent_on is not None
        notify(
            Kind.COMMENTS_DUE_SOON,
            case,
            only=select(User.id).where(User.role.in_(FAMILY_ROLES)),
            due_on=pathway.draft_comments_due(milestones.draft_sent_on),
            dedupe_key=f"comments_due:{case.id}:{milestones.draft_sent_on.isoformat()}",
        )
        considered += 1
    report_window = pathway.review_report_due(today) - today  # 2 weeks after the meeting
    for review, case in db.session.execute(
        select(Review, Case)
        .join(Case, Case.id == Review.case_id)
        .where(
            Review.report_sent_on.is_(None),
            Case.closed_at.is_(None),
            ~exists().where(
                LawfulDelay.case_id == Case.id,
                LawfulDelay.deadline_key == pathway.DeadlineKind.REVIEW_REPORT.value,
            ),
            Review.meeting_on.between(today - report_window, today + REPORT_NOTICE - report_window),
        )
    ).all():
        notify(
            Kind.REVIEW_REPORT_DUE,
            case,
            only=[case.case_officer_id] if case.case_officer_id else [],
            due_on=pathway.review_report_due(review.meeting_on),
            dedupe_key=f"review_report_due:{review.id}",
        )
        considered += 1
    considered += _remind_amendment_comments(today)
    db.session.commit()
    return considered


def _remind_amendment_comments(today: date) -> int:
    """The family's 15 days to comment on the changes proposed after a review, like the draft's:
    reminded 3 days before the last day, while no comments and no amended plan have arrived."""
    window = pathway.amendment_comments_due(today) - today
    considered = 0
    for review, case in db.session.execute(
        select(Review, Case)
        .join(Case, Case.id == Review.case_id)
        .where(
            Case.closed_at.is_(None),
            Review.amendment_comments_on.is_(None),
            Review.amended_plan_issued_on.is_(None),
            Review.amendments_sent_on.between(today - window, today + COMMENTS_NOTICE - window),
        )
    ).all():
        assert review.amendments_sent_on is not None
        notify(
            Kind.AMENDMENT_COMMENTS_DUE_SOON,
            case,
            only=select(User.id).where(User.role.in_(FAMILY_ROLES)),
            due_on=pathway.amendment_comments_due(review.amendments_sent_on),
            dedupe_key=f"amendment_comments_due:{review.id}",
        )
        considered += 1
    return considered


def gather_summaries(today: date | None = None) -> int:
    """Put every "daily summary" notice from before today into its person's summary for
    yesterday (one row per person per day, made once), ready for the worker to send."""
    today = today or clock.today()
    day = today - timedelta(days=1)
    cutoff = datetime.combine(today, time())
    waiting = and_(
        Notice.email_status == EmailStatus.DIGEST,
        Notice.digest_id.is_(None),
        Notice.created_at < cutoff,
    )
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(NoticeDigest)
    people = (
        select(
            Notice.user_id,
            literal(day, Date()),
            literal(clock.utcnow(), DateTime()),
            literal(EmailStatus.PENDING.value, String()),
            literal(0),
        )
        .where(waiting)
        .distinct()
    )
    db.session.execute(
        insert.from_select(
            ["user_id", "day", "created_at", "email_status", "attempts"], people
        ).on_conflict_do_nothing()
    )
    digest = aliased(NoticeDigest)
    open_digest = (
        select(digest.id)
        .where(
            digest.user_id == Notice.user_id,
            digest.day == day,
            digest.email_status == EmailStatus.PENDING,
            digest.lease_token.is_(None),
        )
        .scalar_subquery()
    )
    result = db.session.execute(
        update(Notice)
        .where(waiting, exists(open_digest))
        .values(digest_id=open_digest)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return getattr(result, "rowcount", 0) or 0


def daily_jobs() -> None:
    """What the worker runs now and then: reminders, the summaries once the hour has come, and
    the day's anchor of the audit trail (when one is set up). An anchor that fails (the file
    cannot be written, the mail server is down) is logged and tried again next time, without
    holding up the emails."""
    remind()
    if clock.utcnow().hour >= current_app.config["NOTICE_SUMMARY_HOUR"]:
        gather_summaries()
    try:
        audit_anchor.anchor(only_if_due=True)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("The audit trail could not be anchored; trying again later")
