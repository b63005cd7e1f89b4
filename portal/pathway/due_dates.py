"""Date arithmetic and the statutory due dates (SEND Regulations 2014; DESIGN.md section 2).

* "N weeks from X" is ``X + 7*N days``: a request received on a Tuesday is due on a Tuesday.
* "15 days from sending" counts the day of sending as day 1, so the last day is ``sent + 14 days``
  (sent 1 March, last day 15 March).
* "N months from X" lands on the same day of the month; when that month is shorter it lands on the
  month's last day (31 January + 1 month = 28 or 29 February; 29 February 2028 + 12 months =
  28 February 2029). It never spills into the next month, so the date is always within the period.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum

# --------------------------------------------------------------------------------------------------
# Date arithmetic and statutory due dates
# --------------------------------------------------------------------------------------------------

#: A deadline this many days away or fewer (including today) is "due soon".
DUE_SOON_DAYS = 7
#: "15 days" periods count the day of sending as day 1.
FIFTEEN_DAY_PERIOD = 15
#: The council's choice of review interval for children under 5 must lie in this range (months).
UNDER_FIVE_REVIEW_MONTHS = range(3, 7)


def add_weeks(start: date, weeks: int) -> date:
    """``start`` plus a whole number of weeks (same weekday)."""
    return start + timedelta(weeks=weeks)


def add_months(start: date, months: int) -> date:
    """``start`` plus calendar months, clamped to the last day of a shorter month.

    31 January + 1 month = 28 February (29 in a leap year); 29 February + 12 months = 28 February
    in a non-leap year. Clamping keeps the date inside the period instead of spilling into the next
    month, so a "within N months" limit is never overstated.
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def fifteen_days_from(sent_on: date) -> date:
    """The last of 15 calendar days counted from and including ``sent_on``.

    Sent 1 March: the last day is 15 March.
    """
    return sent_on + timedelta(days=FIFTEEN_DAY_PERIOD - 1)


def assessment_decision_due(request_received_on: date) -> date:
    """Tell the family whether there will be an assessment: 6 weeks from the request (reg 5(1))."""
    return add_weeks(request_received_on, 6)


def advice_due(requested_on: date) -> date:
    """Advice from each person asked: 6 weeks from the day *they* were asked (reg 8(1))."""
    return add_weeks(requested_on, 6)


def not_issuing_notice_due(request_received_on: date) -> date:
    """Tell the family there will be no plan: 16 weeks from the request (reg 10(1))."""
    return add_weeks(request_received_on, 16)


def draft_comments_due(draft_sent_on: date) -> date:
    """Last day for the family's comments, meeting request and school preference on the draft.

    At least 15 days, counting the day the draft was sent (reg 13(1)).
    """
    return fifteen_days_from(draft_sent_on)


def school_consultation_due(consulted_on: date) -> date:
    """A school named by the family replies within 15 days of being consulted (CFA 2014 s39)."""
    return fifteen_days_from(consulted_on)


def final_plan_due(request_received_on: date) -> date:
    """The final plan is issued within 20 weeks of the request (reg 13(2))."""
    return add_weeks(request_received_on, 20)


def validate_under_five_interval(months: int) -> int:
    """Return the council's review interval for under-5s, refusing anything outside 3-6 months."""
    if months not in UNDER_FIVE_REVIEW_MONTHS:
        raise ValueError(
            f"Reviews for children under 5 must be every 3 to 6 months, not every {months} months."
        )
    return months


def review_due(
    plan_or_last_review_on: date, *, under_five: bool = False, under_five_interval_months: int = 6
) -> date:
    """The latest date for the next review meeting.

    Within 12 months of the plan, then of each review (CFA 2014 s44). For a child under 5 the
    council's chosen interval of 3 to 6 months applies (Code of Practice 9.178); the interval is
    validated even when unused, so a bad setting is caught early.
    """
    interval = validate_under_five_interval(under_five_interval_months)
    return add_months(plan_or_last_review_on, interval if under_five else 12)


def review_invitations_due(meeting_on: date) -> date:
    """Invitations to the review meeting go out at least 2 weeks before it (reg 20)."""
    return meeting_on - timedelta(weeks=2)


def review_advice_due(meeting_on: date) -> date:
    """Advice and information for the review are circulated at least 2 weeks before it (reg 20)."""
    return review_invitations_due(meeting_on)


def review_report_due(meeting_on: date) -> date:
    """The review report is sent within 2 weeks of the meeting (reg 20)."""
    return add_weeks(meeting_on, 2)


def review_decision_due(meeting_on: date) -> date:
    """The council decides to keep, amend or cease the plan: 4 weeks after the meeting (reg 20)."""
    return add_weeks(meeting_on, 4)


def amendment_comments_due(proposals_sent_on: date) -> date:
    """Last day of the family's at least 15 days to comment on proposed amendments (reg 22)."""
    return fifteen_days_from(proposals_sent_on)


def amended_plan_due(proposals_sent_on: date) -> date:
    """The final amended plan is issued within 8 weeks of sending the proposals (reg 22)."""
    return add_weeks(proposals_sent_on, 8)


class TransferKind(StrEnum):
    """Which kind of phase transfer: the due date differs (reg 18)."""

    #: Into or between schools: early years to school, infant to junior, primary to secondary...
    SCHOOL = "school"
    #: From secondary school to a post-16 institution (college, sixth form, apprenticeship...).
    POST_16 = "post_16"


def phase_transfer_due(transfer_year: int, kind: TransferKind | str = TransferKind.SCHOOL) -> date:
    """The amended plan naming the new school or college is due by 15 February of the calendar year
    of the transfer, or by 31 March for secondary to post-16 (reg 18)."""
    if TransferKind(kind) is TransferKind.POST_16:
        return date(transfer_year, 3, 31)
    return date(transfer_year, 2, 15)


def appeal_deadline(decision_letter_on: date, mediation_certificate_on: date | None = None) -> date:
    """Last day to appeal a decision: 2 months from the decision letter, or 1 month from a mediation
    certificate, whichever is later."""
    latest = add_months(decision_letter_on, 2)
    if mediation_certificate_on is not None:
        latest = max(latest, add_months(mediation_certificate_on, 1))
    return latest
