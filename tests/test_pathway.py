"""The EHC process rules: stages, legal moves, statutory due dates, exceptions, statuses, wording.

Every expected date below was worked out by hand from the statutory table in DESIGN.md section 2,
not by calling the code under test.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from portal import dates
from portal import pathway as pw
from portal.pathway import (
    AdviceRequest,
    Audience,
    CaseFacts,
    Deadline,
    DeadlineKind,
    DelayReason,
    IllegalMove,
    SchoolConsultation,
    Stage,
    Status,
    StepState,
    TransferKind,
)
from portal.refusals import Refused

D = date  # short alias: the tables below are mostly dates


# --------------------------------------------------------------------------------------------------
# Stages and their names
# --------------------------------------------------------------------------------------------------


def test_main_stages_are_the_seven_steps_in_order():
    """The visual pathway shows the seven main stages in the statutory order."""
    assert [s.value for s in pw.MAIN_STAGES] == [
        "request",
        "assessment",
        "decision",
        "draft",
        "final",
        "review",
        "ceased",
    ]


@pytest.mark.parametrize(
    ("stage", "number", "family", "young"),
    [
        (Stage.REQUEST, 1, "Asking for an assessment", "Asking for help"),
        (Stage.ASSESSMENT, 2, "Finding out about your child", "Finding out about you"),
        (Stage.DECISION, 3, "Deciding about a plan", "Deciding about a plan"),
        (Stage.DRAFT, 4, "Checking the draft plan", "Checking your plan"),
        (Stage.FINAL, 5, "The plan is ready", "Your plan is ready"),
        (Stage.REVIEW, 6, "Checking the plan works", "Checking your plan works"),
        (Stage.CEASED, 7, "Plan ended", "Your plan has ended"),
        (Stage.NOT_ASSESSING, None, "We are not assessing", "No assessment for now"),
        (Stage.NOT_ISSUING, None, "We are not making a plan", "No plan for now"),
    ],
)
def test_stage_names_for_families_and_young_people(stage, number, family, young):
    """Each stage has its step number and the agreed family and young-person names."""
    assert pw.stage_number(stage) == number
    assert pw.stage_label(stage) == family
    assert pw.stage_label(stage, Audience.PARENT) == family
    assert pw.stage_label(stage, Audience.YOUNG_PERSON) == young


@pytest.mark.parametrize(
    "audience", [Audience.SCHOOL, Audience.PROFESSIONAL, Audience.CASE_OFFICER]
)
def test_professionals_read_professional_stage_names(audience):
    """Schools, professionals and case officers see the professional wording for every stage."""
    names = [pw.stage_label(stage, audience) for stage in Stage]
    assert pw.stage_label(Stage.DRAFT, audience) == "Draft plan"
    assert len(set(names)) == len(Stage)


def test_stage_values_from_the_database_are_accepted():
    """Plain strings as stored in the database work wherever a stage is expected."""
    assert pw.stage_label("draft") == "Checking the draft plan"
    assert pw.stage_number("review") == 6
    assert pw.is_closed("not_issuing")


@pytest.mark.parametrize(
    ("stage", "closed"),
    [(s, s in {Stage.CEASED, Stage.NOT_ASSESSING, Stage.NOT_ISSUING}) for s in Stage],
)
def test_closed_stages(stage, closed):
    """Only an ended plan and the two "no" outcomes close a case."""
    assert pw.is_closed(stage) is closed


# --------------------------------------------------------------------------------------------------
# The visual pathway
# --------------------------------------------------------------------------------------------------

_D, _N, _T, _X = StepState.DONE, StepState.NOW, StepState.TO_COME, StepState.NOT_HAPPENING


@pytest.mark.parametrize(
    ("current", "states"),
    [
        (None, [_T, _T, _T, _T, _T, _T, _T]),
        (Stage.REQUEST, [_N, _T, _T, _T, _T, _T, _T]),
        (Stage.ASSESSMENT, [_D, _N, _T, _T, _T, _T, _T]),
        (Stage.DECISION, [_D, _D, _N, _T, _T, _T, _T]),
        (Stage.DRAFT, [_D, _D, _D, _N, _T, _T, _T]),
        (Stage.FINAL, [_D, _D, _D, _D, _N, _T, _T]),
        (Stage.REVIEW, [_D, _D, _D, _D, _D, _N, _T]),
        (Stage.CEASED, [_D, _D, _D, _D, _D, _D, _N]),
        (Stage.NOT_ASSESSING, [_D, _X, _X, _X, _X, _X, _X]),
        (Stage.NOT_ISSUING, [_D, _D, _D, _X, _X, _X, _X]),
    ],
)
def test_pathway_step_states(current, states):
    """Each step is done, now or to come; after a "no" decision later steps are not happening."""
    steps = pw.pathway_steps(current)
    assert [step.state for step in steps] == states
    assert [step.number for step in steps] == [1, 2, 3, 4, 5, 6, 7]
    assert [step.stage for step in steps] == list(pw.MAIN_STAGES)


def test_pathway_steps_use_the_audience_wording():
    """A young person's pathway uses the young-person names."""
    steps = pw.pathway_steps(Stage.ASSESSMENT, Audience.YOUNG_PERSON)
    assert steps[1].label == "Finding out about you"


@pytest.mark.parametrize("state", list(StepState))
def test_every_step_state_has_words(state):
    """A step's state is available in words, so it never relies on colour alone."""
    assert pw.step_state_label(state).strip()


# --------------------------------------------------------------------------------------------------
# Legal moves
# --------------------------------------------------------------------------------------------------

LEGAL_MOVES = {
    (Stage.REQUEST, Stage.ASSESSMENT),
    (Stage.REQUEST, Stage.NOT_ASSESSING),
    (Stage.ASSESSMENT, Stage.DECISION),
    (Stage.DECISION, Stage.DRAFT),
    (Stage.DECISION, Stage.NOT_ISSUING),
    (Stage.DRAFT, Stage.FINAL),
    (Stage.FINAL, Stage.REVIEW),
    (Stage.REVIEW, Stage.REVIEW),
    (Stage.REVIEW, Stage.CEASED),
}
ALL_PAIRS = [(a, b) for a in Stage for b in Stage]


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL_MOVES))
def test_legal_moves_are_allowed(current, target):
    """Every move the process allows goes through without complaint."""
    pw.check_move(current, target)
    assert target in pw.allowed_moves(current)


@pytest.mark.parametrize(
    ("current", "target"), [pair for pair in ALL_PAIRS if pair not in LEGAL_MOVES]
)
def test_illegal_moves_are_refused_with_a_reason(current, target):
    """Every other move is refused with a readable sentence naming the stage the case is at."""
    with pytest.raises(IllegalMove) as caught:
        pw.check_move(current, target)
    reason = caught.value.reason
    assert str(caught.value) == reason
    assert f"'{pw.stage_label(current)}'" in reason
    assert reason.endswith(".")
    assert target not in pw.allowed_moves(current)


@pytest.mark.parametrize(
    ("current", "target", "reason"),
    [
        (
            Stage.DRAFT,
            Stage.REQUEST,
            "A case at 'Checking the draft plan' cannot go back to 'Asking for an assessment'.",
        ),
        (
            Stage.REQUEST,
            Stage.DRAFT,
            "A case at 'Asking for an assessment' cannot go straight to 'Checking the draft "
            "plan'. Next it can go to 'Finding out about your child' or 'We are not assessing'.",
        ),
        (
            Stage.CEASED,
            Stage.REVIEW,
            "A case at 'Plan ended' is closed. It cannot move to 'Checking the plan works'.",
        ),
        (
            Stage.NOT_ASSESSING,
            Stage.ASSESSMENT,
            "A case at 'We are not assessing' is closed. It cannot move to 'Finding out about "
            "your child'.",
        ),
        (
            Stage.DRAFT,
            Stage.DRAFT,
            "The case is already at 'Checking the draft plan'.",
        ),
        (
            Stage.DRAFT,
            Stage.NOT_ISSUING,
            "A case at 'Checking the draft plan' cannot move to 'We are not making a plan'. "
            "That can only be decided at 'Deciding about a plan'.",
        ),
    ],
)
def test_refusal_wording(current, target, reason):
    """Refusals say plainly what was tried and, where useful, what is possible instead."""
    with pytest.raises(IllegalMove, match=re.escape(reason)):
        pw.check_move(current, target)


def test_unknown_stage_is_refused_readably():
    """A stage name that does not exist is refused as an illegal move, not a crash."""
    with pytest.raises(IllegalMove, match="no stage called 'approved'"):
        pw.check_move("request", "approved")


def test_moves_accept_database_strings():
    """Moves work with the plain strings stored in the database."""
    pw.check_move("request", "assessment")
    assert pw.allowed_moves("review") == (Stage.REVIEW, Stage.CEASED)


@pytest.mark.parametrize("stage", [Stage.CEASED, Stage.NOT_ASSESSING, Stage.NOT_ISSUING])
def test_closed_cases_have_no_moves(stage):
    """Nothing can follow an ended plan or a "no" decision."""
    assert pw.allowed_moves(stage) == ()


# --------------------------------------------------------------------------------------------------
# Date arithmetic
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2027, 1, 31), 1, D(2027, 2, 28)),  # to a short February
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # to a leap February
        (D(2027, 3, 31), 1, D(2027, 4, 30)),  # 31-day month to a 30-day month
        (D(2027, 5, 31), 1, D(2027, 6, 30)),
        (D(2027, 4, 30), 1, D(2027, 5, 30)),  # 30-day month to a 31-day month keeps the day
        (D(2027, 8, 31), 1, D(2027, 9, 30)),
        (D(2027, 12, 31), 2, D(2028, 2, 29)),  # across the year end into a leap February
        (D(2027, 11, 15), 3, D(2028, 2, 15)),
        (D(2028, 2, 29), 12, D(2029, 2, 28)),  # leap day to a non-leap year
        (D(2028, 2, 29), 48, D(2032, 2, 29)),  # leap day to the next leap year
        (D(2027, 10, 31), -1, D(2027, 9, 30)),  # backwards too
        (D(2027, 6, 15), 0, D(2027, 6, 15)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    """Month arithmetic lands on the same day, or the last day of a shorter month."""
    assert pw.add_months(start, months) == expected


@pytest.mark.parametrize(
    ("sent", "last_day"),
    [
        (D(2027, 3, 1), D(2027, 3, 15)),  # the example in the regulations' guidance
        (D(2027, 2, 20), D(2027, 3, 6)),  # across a 28-day February
        (D(2028, 2, 20), D(2028, 3, 5)),  # across a 29-day February
        (D(2027, 12, 25), D(2028, 1, 8)),  # across the year end
        (D(2027, 4, 30), D(2027, 5, 14)),
    ],
)
def test_fifteen_days_count_the_day_of_sending(sent, last_day):
    """ "15 days" counts the sending day as day 1: sent 1 March, the last day is 15 March."""
    assert pw.fifteen_days_from(sent) == last_day
    assert (last_day - sent).days + 1 == 15
    assert pw.draft_comments_due(sent) == last_day
    assert pw.school_consultation_due(sent) == last_day
    assert pw.amendment_comments_due(sent) == last_day


# --------------------------------------------------------------------------------------------------
# The statutory table, row by row
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        # Decide whether to assess: 6 weeks from the request (reg 5).
        (pw.assessment_decision_due, D(2027, 1, 5), D(2027, 2, 16)),
        (pw.assessment_decision_due, D(2027, 12, 1), D(2028, 1, 12)),
        # Each adviser replies: 6 weeks from when they were asked (reg 8).
        (pw.advice_due, D(2027, 3, 1), D(2027, 4, 12)),
        (pw.advice_due, D(2028, 1, 31), D(2028, 3, 13)),
        # No plan after assessing: 16 weeks from the request (reg 10).
        (pw.not_issuing_notice_due, D(2027, 1, 5), D(2027, 4, 27)),
        # Family's comments on the draft: 15 days including the day of sending (reg 13(1)).
        (pw.draft_comments_due, D(2027, 3, 1), D(2027, 3, 15)),
        # A consulted school replies: 15 days (CFA 2014 s39).
        (pw.school_consultation_due, D(2027, 3, 10), D(2027, 3, 24)),
        # Final plan: 20 weeks from the request (reg 13(2)).
        (pw.final_plan_due, D(2027, 1, 5), D(2027, 5, 25)),
        (pw.final_plan_due, D(2027, 9, 1), D(2028, 1, 19)),
        # Review invitations and advice: at least 2 weeks before the meeting (reg 20).
        (pw.review_invitations_due, D(2027, 3, 10), D(2027, 2, 24)),
        (pw.review_advice_due, D(2027, 3, 10), D(2027, 2, 24)),
        (pw.review_invitations_due, D(2028, 3, 7), D(2028, 2, 22)),
        # Review report: within 2 weeks of the meeting (reg 20).
        (pw.review_report_due, D(2027, 3, 10), D(2027, 3, 24)),
        # Keep, amend or cease: within 4 weeks of the meeting (reg 20).
        (pw.review_decision_due, D(2027, 3, 10), D(2027, 4, 7)),
        # Comments on proposed amendments: at least 15 days (reg 22).
        (pw.amendment_comments_due, D(2027, 6, 20), D(2027, 7, 4)),
        # Final amended plan: 8 weeks from sending the proposals (reg 22).
        (pw.amended_plan_due, D(2027, 6, 20), D(2027, 8, 15)),
    ],
)
def test_statutory_time_limits(rule, start, expected):
    """Each statutory time limit gives the due date worked out by hand from the table."""
    assert rule(start) == expected


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        (D(2027, 3, 12), D(2028, 3, 12)),
        (D(2028, 2, 29), D(2029, 2, 28)),  # a plan dated on leap day: reviewed by 28 February
        (D(2027, 1, 31), D(2028, 1, 31)),
        (D(2027, 12, 31), D(2028, 12, 31)),
    ],
)
def test_annual_review_within_twelve_months(since, expected):
    """The review is due within 12 months of the plan or the last review."""
    assert pw.review_due(since) == expected


@pytest.mark.parametrize(
    ("since", "months", "expected"),
    [
        (D(2027, 3, 12), 3, D(2027, 6, 12)),
        (D(2027, 3, 12), 4, D(2027, 7, 12)),
        (D(2027, 3, 12), 5, D(2027, 8, 12)),
        (D(2027, 3, 12), 6, D(2027, 9, 12)),
        (D(2027, 8, 31), 3, D(2027, 11, 30)),  # into a 30-day month
        (D(2027, 11, 30), 3, D(2028, 2, 29)),  # into a leap February
        (D(2026, 11, 30), 3, D(2027, 2, 28)),  # into a short February
    ],
)
def test_under_five_reviews_use_the_councils_interval(since, months, expected):
    """Under-5s are reviewed on the council's chosen 3 to 6 month interval."""
    assert pw.review_due(since, under_five=True, under_five_interval_months=months) == expected


@pytest.mark.parametrize("months", [0, 1, 2, 7, 12, -3])
def test_under_five_interval_outside_three_to_six_is_refused(months):
    """An under-5 review interval outside 3 to 6 months is refused with a clear message."""
    with pytest.raises(ValueError, match="every 3 to 6 months"):
        pw.review_due(D(2027, 3, 12), under_five=True, under_five_interval_months=months)
    with pytest.raises(ValueError, match="every 3 to 6 months"):
        CaseFacts(Stage.FINAL, D(2027, 1, 5), under_five_interval_months=months)


@pytest.mark.parametrize(
    ("year", "kind", "expected"),
    [
        (2028, TransferKind.SCHOOL, D(2028, 2, 15)),
        (2029, TransferKind.SCHOOL, D(2029, 2, 15)),
        (2028, TransferKind.POST_16, D(2028, 3, 31)),
        (2030, "post_16", D(2030, 3, 31)),
        (2030, "school", D(2030, 2, 15)),
    ],
)
def test_phase_transfer_dates(year, kind, expected):
    """A move between school phases is due 15 February; secondary to post-16 is due 31 March."""
    assert pw.phase_transfer_due(year, kind) == expected


@pytest.mark.parametrize(
    ("letter", "certificate", "expected"),
    [
        (D(2027, 3, 12), None, D(2027, 5, 12)),  # 2 months from the letter
        (D(2026, 12, 31), None, D(2027, 2, 28)),  # month end into February
        (D(2027, 3, 12), D(2027, 4, 20), D(2027, 5, 20)),  # the certificate's month is later
        (D(2027, 3, 12), D(2027, 3, 20), D(2027, 5, 12)),  # the letter's 2 months are later
        (D(2027, 3, 12), D(2027, 4, 12), D(2027, 5, 12)),  # both end the same day
        (D(2027, 11, 30), D(2028, 1, 31), D(2028, 2, 29)),  # certificate later, leap February
    ],
)
def test_appeal_deadline_is_whichever_is_later(letter, certificate, expected):
    """The appeal deadline is 2 months from the letter or 1 month from a mediation certificate,
    whichever is later."""
    assert pw.appeal_deadline(letter, certificate) == expected


# --------------------------------------------------------------------------------------------------
# Exceptions
# --------------------------------------------------------------------------------------------------

COUNCIL_KINDS = [k for k in DeadlineKind if k not in pw.FAMILY_WINDOWS]


def test_staff_shortage_is_not_a_lawful_reason():
    """There is no way to record staff shortages as an exception."""
    assert not [r for r in DelayReason if "staff" in r.value or "staff" in r.name.lower()]
    assert [r.value for r in DelayReason] == [
        "setting_closure",
        "personal_circumstances",
        "away_from_area",
        "missed_appointment",
    ]
    with pytest.raises(Refused, match="Staff shortages are not a lawful reason"):
        pw.check_delay_reason(DeadlineKind.FINAL_PLAN, "staff_shortage")


@pytest.mark.parametrize("reason", list(DelayReason))
def test_every_reason_can_excuse_advice(reason):
    """All four lawful reasons, including a missed appointment, can excuse late advice."""
    assert pw.check_delay_reason(DeadlineKind.ADVICE, reason) is reason
    assert reason in pw.delay_reasons_for(DeadlineKind.ADVICE)


@pytest.mark.parametrize("kind", [k for k in COUNCIL_KINDS if k is not DeadlineKind.ADVICE])
def test_missed_appointment_only_excuses_advice(kind):
    """A missed appointment is refused, readably, for anything but advice."""
    with pytest.raises(Refused, match="only excuses late advice") as caught:
        pw.check_delay_reason(kind, DelayReason.MISSED_APPOINTMENT)
    assert caught.value.reason == str(caught.value)
    assert DelayReason.MISSED_APPOINTMENT not in pw.delay_reasons_for(kind)


@pytest.mark.parametrize(
    "reason",
    [
        DelayReason.SETTING_CLOSURE,
        DelayReason.PERSONAL_CIRCUMSTANCES,
        DelayReason.AWAY_FROM_AREA,
    ],
)
@pytest.mark.parametrize("kind", COUNCIL_KINDS)
def test_general_reasons_excuse_council_deadlines(kind, reason):
    """Closure, personal circumstances and absence from the area can excuse any council limit."""
    assert pw.check_delay_reason(kind, reason.value) is reason
    assert reason in pw.delay_reasons_for(kind)


@pytest.mark.parametrize("kind", sorted(pw.FAMILY_WINDOWS))
def test_family_windows_take_no_exception(kind):
    """The family's own time limits cannot be "excused" by the council."""
    assert pw.delay_reasons_for(kind) == ()
    with pytest.raises(Refused, match="family's own time limit"):
        pw.check_delay_reason(kind, DelayReason.PERSONAL_CIRCUMSTANCES)


@pytest.mark.parametrize("reason", list(DelayReason))
def test_every_reason_has_plain_words(reason):
    """Each lawful reason can be shown to a family in words."""
    assert pw.delay_label(reason)[0].isupper()


# --------------------------------------------------------------------------------------------------
# Deadline status, relative phrases and dates in words
# --------------------------------------------------------------------------------------------------

DUE = D(2027, 3, 15)
CLOSURE = DelayReason.SETTING_CLOSURE


def _deadline(kind=DeadlineKind.FINAL_PLAN, met_on=None, delay=None):
    return Deadline(kind.value, kind, pw.deadline_label(kind), DUE, met_on, delay)


@pytest.mark.parametrize(
    ("today", "met_on", "delay", "expected"),
    [
        (D(2027, 1, 1), None, None, Status.DUE),
        (D(2027, 3, 6), None, None, Status.DUE),  # 9 days away
        (D(2027, 3, 7), None, None, Status.DUE),  # 8 days away: not yet "soon"
        (D(2027, 3, 8), None, None, Status.DUE_SOON),  # exactly 7 days away
        (D(2027, 3, 14), None, None, Status.DUE_SOON),  # tomorrow
        (D(2027, 3, 15), None, None, Status.DUE_SOON),  # due today is still not late
        (D(2027, 3, 16), None, None, Status.LATE),  # the day after
        (D(2028, 1, 1), None, None, Status.LATE),
        (D(2027, 4, 1), D(2027, 3, 1), None, Status.MET_ON_TIME),
        (D(2027, 4, 1), D(2027, 3, 15), None, Status.MET_ON_TIME),  # met on the last day
        (D(2027, 4, 1), D(2027, 3, 16), None, Status.MET_LATE),
        (D(2027, 3, 1), D(2027, 3, 1), None, Status.MET_ON_TIME),  # met early, before "today"
        (D(2027, 3, 20), None, CLOSURE, Status.DELAY_ALLOWED),  # past due: not "late"
        (D(2027, 4, 1), D(2027, 3, 20), CLOSURE, Status.DELAY_ALLOWED),  # met late, excused
        (D(2027, 4, 1), D(2027, 3, 10), CLOSURE, Status.MET_ON_TIME),  # on time: not needed
        (D(2027, 3, 1), None, CLOSURE, Status.DELAY_ALLOWED),  # recorded ahead of time
    ],
)
def test_deadline_status(today, met_on, delay, expected):
    """Each status follows from the due date, the date met, any exception and today."""
    status = pw.deadline_status(_deadline(met_on=met_on, delay=delay), today)
    assert status is expected


@pytest.mark.parametrize(
    ("today", "met_on", "expected"),
    [
        (D(2027, 3, 10), None, Status.DUE_SOON),
        (D(2027, 3, 16), None, Status.PASSED),  # the family's window ended: nobody is late
        (D(2027, 3, 16), D(2027, 3, 12), Status.MET_ON_TIME),
    ],
)
def test_family_window_status(today, met_on, expected):
    """A family's comment window that ends unused has passed; it never counts as late."""
    deadline = _deadline(DeadlineKind.DRAFT_COMMENTS, met_on=met_on)
    assert pw.deadline_status(deadline, today) is expected


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_words(status):
    """Every status can be shown in words beside any colour."""
    assert pw.status_label(status).strip()


@pytest.mark.parametrize(
    ("today", "days", "phrase"),
    [
        (D(2027, 3, 15), 0, "today"),
        (D(2027, 3, 14), 1, "tomorrow"),
        (D(2027, 3, 13), 2, "in 2 days"),
        (D(2027, 3, 10), 5, "in 5 days"),
        (D(2027, 2, 15), 28, "in 28 days"),
        (D(2027, 3, 16), -1, "1 day late"),
        (D(2027, 3, 18), -3, "3 days late"),
        (D(2027, 4, 15), -31, "31 days late"),
    ],
)
def test_relative_phrases(today, days, phrase):
    """Due dates read as "today", "tomorrow", "in 5 days", "1 day late", "3 days late"."""
    assert dates.days_until(DUE, today) == days
    assert dates.relative_phrase(DUE, today) == phrase


@pytest.mark.parametrize(
    ("kind", "today", "met_on", "delay", "phrase"),
    [
        (DeadlineKind.FINAL_PLAN, D(2027, 3, 10), None, None, "in 5 days"),
        (DeadlineKind.FINAL_PLAN, D(2027, 3, 18), None, None, "3 days late"),
        (DeadlineKind.FINAL_PLAN, D(2027, 4, 1), D(2027, 3, 15), None, "done on time"),
        (DeadlineKind.FINAL_PLAN, D(2027, 4, 1), D(2027, 3, 16), None, "done 1 day late"),
        (DeadlineKind.FINAL_PLAN, D(2027, 4, 1), D(2027, 3, 20), None, "done 5 days late"),
        (DeadlineKind.FINAL_PLAN, D(2027, 3, 20), None, CLOSURE, "delayed for an allowed reason"),
        (DeadlineKind.DRAFT_COMMENTS, D(2027, 3, 16), None, None, "ended 1 day ago"),
        (DeadlineKind.APPEAL, D(2027, 3, 19), None, None, "ended 4 days ago"),
    ],
)
def test_deadline_phrase_matches_status(kind, today, met_on, delay, phrase):
    """The phrase beside a deadline tells the same story as its status."""
    deadline = _deadline(kind, met_on=met_on, delay=delay)
    assert pw.deadline_phrase(deadline, today) == phrase


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (D(2027, 3, 12), "Friday 12 March 2027"),
        (D(2027, 3, 5), "Friday 5 March 2027"),  # no leading zero
        (D(2028, 2, 29), "Tuesday 29 February 2028"),
        (D(2029, 2, 28), "Wednesday 28 February 2029"),
        (D(2026, 11, 30), "Monday 30 November 2026"),
        (D(2027, 1, 1), "Friday 1 January 2027"),
    ],
)
def test_format_long_date(day, words):
    """Dates read as "Friday 12 March 2027": weekday, day without a leading zero, month, year."""
    assert dates.format_long_date(day) == words


# --------------------------------------------------------------------------------------------------
# A case's deadlines and the next one to show
# --------------------------------------------------------------------------------------------------

REQUEST_ON = D(2027, 1, 5)  # 6 weeks: 16 Feb; 16 weeks: 27 Apr; 20 weeks: 25 May


def _facts(stage, **facts):
    return CaseFacts(stage=stage, request_received_on=REQUEST_ON, **facts)


def _keys(facts):
    return [(d.key, d.due) for d in pw.case_deadlines(facts)]


def test_request_stage_deadline():
    """A new request shows the decision on assessment, due 6 weeks after the request."""
    facts = _facts(Stage.REQUEST)
    assert _keys(facts) == [("assessment_decision", D(2027, 2, 16))]
    nxt = pw.next_deadline(facts, D(2027, 1, 10))
    assert nxt is not None
    assert nxt.label == "Decision on whether to do an assessment"


def test_assessment_stage_shows_each_advice_request_first():
    """During assessment each advice request is due 6 weeks after it was sent; the earliest unmet
    one is next."""
    facts = _facts(
        Stage.ASSESSMENT,
        assessment_decided_on=D(2027, 2, 10),
        advice_requests=(
            AdviceRequest("1", "the school", D(2027, 2, 11), received_on=D(2027, 3, 1)),
            AdviceRequest("2", "the educational psychologist", D(2027, 2, 15)),
            AdviceRequest("3", "a health visitor", D(2027, 2, 22)),
        ),
    )
    assert _keys(facts) == [
        ("advice:1", D(2027, 3, 25)),
        ("advice:2", D(2027, 3, 29)),
        ("advice:3", D(2027, 4, 5)),
        ("not_issuing_notice", D(2027, 4, 27)),
        ("final_plan", D(2027, 5, 25)),
    ]
    nxt = pw.next_deadline(facts, D(2027, 3, 26))
    assert nxt is not None
    assert (nxt.key, nxt.label) == ("advice:2", "Advice from the educational psychologist")
    assert pw.deadline_status(nxt, D(2027, 3, 26)) is Status.DUE_SOON


def test_advice_exception_comes_from_the_request_or_the_case():
    """An exception recorded on an advice request, or against its key, stops it counting as late."""
    facts = _facts(
        Stage.ASSESSMENT,
        advice_requests=(
            AdviceRequest("1", "the school", D(2027, 2, 1), delay=CLOSURE),
            AdviceRequest("2", "health", D(2027, 2, 1)),
            AdviceRequest("3", "social care", D(2027, 2, 1)),
        ),
        delays={"advice:2": "missed_appointment"},
    )
    late_day = D(2027, 4, 1)
    statuses = {d.key: pw.deadline_status(d, late_day) for d in pw.case_deadlines(facts)}
    assert statuses["advice:1"] is Status.DELAY_ALLOWED
    assert statuses["advice:2"] is Status.DELAY_ALLOWED
    assert statuses["advice:3"] is Status.LATE


@pytest.mark.parametrize(
    ("facts", "met_on"),
    [
        ({}, None),
        ({"not_issuing_notified_on": D(2027, 4, 20)}, D(2027, 4, 20)),
        ({"draft_sent_on": D(2027, 4, 1)}, D(2027, 4, 1)),
    ],
)
def test_decision_stage_deadline_is_week_sixteen(facts, met_on):
    """Deciding about a plan is due by week 16, met by the "no plan" letter or by the draft."""
    deadlines = pw.case_deadlines(_facts(Stage.DECISION, **facts))
    assert [(d.key, d.due, d.met_on) for d in deadlines] == [
        ("not_issuing_notice", D(2027, 4, 27), met_on),
        ("final_plan", D(2027, 5, 25), None),
    ]


def test_decision_stage_late_without_exception_and_excused_with_one():
    """A plan decision past week 16 is late, unless a lawful exception was recorded."""
    day = D(2027, 5, 1)
    late = pw.next_deadline(_facts(Stage.DECISION), day)
    assert late is not None
    assert pw.deadline_status(late, day) is Status.LATE
    excused = pw.next_deadline(_facts(Stage.DECISION, delays={"not_issuing_notice": CLOSURE}), day)
    assert excused is not None
    assert pw.deadline_status(excused, day) is Status.DELAY_ALLOWED


def test_draft_stage_deadlines():
    """With a draft out, the family's 15 days come first, then each consulted school's 15 days,
    then the final plan at week 20."""
    facts = _facts(
        Stage.DRAFT,
        draft_sent_on=D(2027, 4, 1),
        school_consultations=(SchoolConsultation("9", "Oak Primary", D(2027, 4, 5)),),
    )
    assert _keys(facts) == [
        ("draft_comments", D(2027, 4, 15)),
        ("school_consultation:9", D(2027, 4, 19)),
        ("final_plan", D(2027, 5, 25)),
    ]
    assert pw.next_deadline(facts, D(2027, 4, 2)).key == "draft_comments"
    # Once the family's window has passed unused, the school's reply is next.
    after = pw.next_deadline(facts, D(2027, 4, 16))
    assert after is not None
    assert (after.key, after.label) == ("school_consultation:9", "Reply from Oak Primary")


def test_final_stage_next_is_the_first_review():
    """Once the plan is issued, the next deadline is the first review within 12 months."""
    facts = _facts(Stage.FINAL, final_issued_on=D(2027, 5, 20))
    deadlines = pw.case_deadlines(facts)
    assert [(d.key, d.due) for d in deadlines] == [
        ("final_plan", D(2027, 5, 25)),
        ("annual_review", D(2028, 5, 20)),
    ]
    assert pw.deadline_status(deadlines[0], D(2027, 6, 1)) is Status.MET_ON_TIME
    assert pw.next_deadline(facts, D(2027, 6, 1)).key == "annual_review"


def test_final_plan_issued_late_shows_as_met_late():
    """A final plan issued after week 20 counts as met late (the figure councils are judged on)."""
    facts = _facts(Stage.FINAL, final_issued_on=D(2027, 6, 1))
    final = pw.case_deadlines(facts)[0]
    assert final.key == "final_plan"
    assert pw.deadline_status(final, D(2027, 7, 1)) is Status.MET_LATE


def test_under_five_first_review_uses_interval():
    """For a child under 5 the first review falls due on the council's shorter interval."""
    facts = _facts(
        Stage.FINAL, final_issued_on=D(2027, 5, 20), under_five=True, under_five_interval_months=4
    )
    assert pw.next_deadline(facts, D(2027, 6, 1)).due == D(2027, 9, 20)


def test_review_meeting_invitations_come_before_the_review():
    """With a meeting arranged, invitations are due 2 weeks before it, ahead of the review date."""
    facts = _facts(
        Stage.FINAL,
        final_issued_on=D(2027, 5, 20),
        next_review_meeting_on=D(2028, 5, 10),
    )
    nxt = pw.next_deadline(facts, D(2028, 4, 1))
    assert (nxt.key, nxt.due) == ("review_invitations", D(2028, 4, 26))
    sent = _facts(
        Stage.FINAL,
        final_issued_on=D(2027, 5, 20),
        next_review_meeting_on=D(2028, 5, 10),
        review_invitations_sent_on=D(2028, 4, 20),
    )
    assert pw.next_deadline(sent, D(2028, 4, 21)).key == "annual_review"


def test_review_stage_after_a_meeting():
    """After a review meeting: report in 2 weeks, decision in 4, the next review in 12 months."""
    facts = _facts(
        Stage.REVIEW,
        final_issued_on=D(2027, 5, 20),
        last_review_on=D(2028, 5, 10),
    )
    assert _keys(facts) == [
        ("final_plan", D(2027, 5, 25)),
        ("review_report", D(2028, 5, 24)),
        ("review_decision", D(2028, 6, 7)),
        ("annual_review", D(2029, 5, 10)),
    ]
    assert pw.next_deadline(facts, D(2028, 5, 11)).key == "review_report"
    reported = _facts(
        Stage.REVIEW,
        final_issued_on=D(2027, 5, 20),
        last_review_on=D(2028, 5, 10),
        review_report_sent_on=D(2028, 5, 20),
        review_decided_on=D(2028, 6, 1),
    )
    assert pw.next_deadline(reported, D(2028, 6, 2)).key == "annual_review"


def test_review_stage_amendments_and_phase_transfer():
    """Proposed amendments give the family 15 days and the council 8 weeks; a phase transfer
    adds its 15 February date."""
    facts = _facts(
        Stage.REVIEW,
        final_issued_on=D(2026, 5, 20),
        last_review_on=D(2027, 10, 1),
        review_report_sent_on=D(2027, 10, 8),
        review_decided_on=D(2027, 10, 20),
        amendments_sent_on=D(2027, 10, 25),
        phase_transfer_year=2028,
    )
    keys = dict(_keys(facts))
    assert keys["amendment_comments"] == D(2027, 11, 8)
    assert keys["amended_plan"] == D(2027, 12, 20)
    assert keys["phase_transfer"] == D(2028, 2, 15)
    assert pw.next_deadline(facts, D(2027, 10, 26)).key == "amendment_comments"
    assert pw.next_deadline(facts, D(2027, 11, 9)).key == "amended_plan"


def test_post_16_transfer_deadline_on_a_case():
    """A move from secondary to post-16 is tracked against 31 March."""
    facts = _facts(
        Stage.REVIEW,
        final_issued_on=D(2026, 5, 20),
        phase_transfer_year=2028,
        phase_transfer_kind="post_16",
    )
    assert dict(_keys(facts))["phase_transfer"] == D(2028, 3, 31)


@pytest.mark.parametrize(
    ("stage", "letter_field"),
    [
        (Stage.NOT_ASSESSING, "assessment_decided_on"),
        (Stage.NOT_ISSUING, "not_issuing_notified_on"),
        (Stage.CEASED, "ceased_on"),
    ],
)
def test_no_decisions_show_the_appeal_deadline_while_open(stage, letter_field):
    """After a "no" decision the next deadline is the last day to appeal, until it has passed."""
    facts = _facts(stage, **{letter_field: D(2027, 3, 12)})
    nxt = pw.next_deadline(facts, D(2027, 4, 1))
    assert nxt is not None
    assert (nxt.key, nxt.due) == ("appeal", D(2027, 5, 12))
    assert nxt.label == "Last day to ask for mediation or appeal"
    assert pw.next_deadline(facts, D(2027, 5, 12)) is not None  # the last day itself
    assert pw.next_deadline(facts, D(2027, 5, 13)) is None


def test_mediation_certificate_extends_the_case_appeal_deadline():
    """A late mediation certificate moves the case's appeal deadline to 1 month after it."""
    facts = _facts(
        Stage.NOT_ASSESSING,
        assessment_decided_on=D(2027, 2, 10),
        mediation_certificate_on=D(2027, 4, 1),
    )
    assert _keys(facts) == [("appeal", D(2027, 5, 1))]


@pytest.mark.parametrize("stage", list(Stage))
def test_every_stage_lists_deadlines_without_error(stage):
    """Any stage, even with only the request date known, gives a sorted list (maybe empty)."""
    deadlines = pw.case_deadlines(_facts(stage))
    assert [d.due for d in deadlines] == sorted(d.due for d in deadlines)


def test_case_facts_accept_database_strings():
    """Facts built from database strings become proper enum values."""
    facts = CaseFacts(
        stage="review",
        request_received_on=REQUEST_ON,
        phase_transfer_kind="post_16",
        delays={"final_plan": "away_from_area"},
    )
    assert facts.stage is Stage.REVIEW
    assert facts.phase_transfer_kind is TransferKind.POST_16
    assert facts.delays["final_plan"] is DelayReason.AWAY_FROM_AREA


def test_case_facts_refuse_an_unknown_exception():
    """An exception reason that is not lawful cannot get into a case's facts."""
    with pytest.raises(ValueError, match="staff_shortage"):
        CaseFacts(Stage.REQUEST, REQUEST_ON, delays={"assessment_decision": "staff_shortage"})


# --------------------------------------------------------------------------------------------------
# "What happens next" and "What you need to do"
# --------------------------------------------------------------------------------------------------

STAGE_AUDIENCE = [(s, a) for s in Stage for a in Audience]
# Uppercase runs of 2+ letters are acronyms (EHCP, SENCO, LA, EP...): none in built-in wording.
ACRONYM = re.compile(r"\b[A-Z]{2,}\b")


def _sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


@pytest.mark.parametrize(("stage", "audience"), STAGE_AUDIENCE)
def test_every_stage_and_audience_has_both_texts(stage, audience):
    """Every stage has "what happens next" and "what you need to do" for every audience, keyed
    pathway/<stage>/<audience>/next and .../todo."""
    nxt = pw.next_step_text(stage, audience)
    todo = pw.todo_text(stage, audience)
    assert nxt.key == f"pathway/{stage.value}/{audience.value}/next"
    assert todo.key == f"pathway/{stage.value}/{audience.value}/todo"
    for text in (nxt.default, todo.default):
        assert text.strip()
        assert text.endswith(".")
        assert not ACRONYM.search(text), text


@pytest.mark.parametrize(("stage", "audience"), STAGE_AUDIENCE)
def test_texts_have_no_banned_acronyms_in_any_case(stage, audience):
    """Jargon acronyms never appear, whatever their letter case."""
    for item in (pw.next_step_text(stage, audience), pw.todo_text(stage, audience)):
        words = set(re.findall(r"[a-z]+", item.default.lower()))
        assert not words & {"ehcp", "senco", "la", "ep", "sen", "camhs"}, item.key


@pytest.mark.parametrize("stage", list(Stage))
def test_young_people_get_short_sentences(stage):
    """Young people's wording keeps every sentence short (15 words at most)."""
    for item in (pw.next_step_text(stage, "young_person"), pw.todo_text(stage, "young_person")):
        for sentence in _sentences(item.default):
            assert len(sentence.split()) <= 15, sentence


@pytest.mark.parametrize("stage", list(Stage))
def test_families_get_short_sentences(stage):
    """Parents' wording keeps every sentence to 20 words or fewer."""
    for item in (pw.next_step_text(stage, "parent"), pw.todo_text(stage, "parent")):
        for sentence in _sentences(item.default):
            assert len(sentence.split()) <= 20, sentence


@pytest.mark.parametrize("stage", sorted(pw.APPEALABLE_STAGES))
def test_no_decisions_tell_families_about_appeal(stage):
    """Wherever a "no" decision is shown, parents read about mediation, appeal and the 2 months."""
    text = pw.next_step_text(stage, Audience.PARENT).default
    assert "mediation" in text
    assert "appeal" in text
    assert "2 months" in text


def test_content_keys_are_unique_and_complete():
    """There is one key per stage, audience and part: nothing missing, nothing twice."""
    keys = [item.key for item in pw.all_content_texts()]
    assert len(keys) == len(set(keys)) == len(Stage) * len(Audience) * 2


def test_content_key_rejects_unknown_parts():
    """Only the "next" and "todo" parts exist."""
    with pytest.raises(ValueError, match="Unknown pathway text part"):
        pw.content_key(Stage.DRAFT, Audience.PARENT, "later")
