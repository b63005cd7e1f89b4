"""The real next step within a stage, from the case's facts (issue 11).

A stage's general "what happens next" text is right at its start but can be wrong later: after a
review meeting has been held and its report sent, "you will be asked to the meeting" is no longer
true. `sub_step` says where the case is within its stage; `next_step_words` gives the built-in
words for that step and reader, or None where the stage's own text is right (the stage text, which
editors may change, is then used). Editors change a step's words too: the published pathway page
for the stage and reader may have a section headed with the step's heading (`STEP_HEADINGS`, for
example "## After the review meeting"), whose first paragraph replaces the built-in words.

Pure functions of `CaseFacts` and `today`, like the rest of the package.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import NamedTuple

from portal.pathway.deadlines import CaseFacts
from portal.pathway.stages import Audience, Stage


class SubStep(StrEnum):
    """Where a case is within its stage. Only steps with words of their own are listed; any
    other moment is `STAGE` (the stage's own text applies)."""

    STAGE = "stage"
    ADVICE_OUTSTANDING = "advice_outstanding"  # assessment: some advice not in yet
    ADVICE_ALL_IN = "advice_all_in"  # assessment: every request answered
    DRAFT_WITH_FAMILY = "draft_with_family"  # draft sent, the family's comments not in yet
    DRAFT_COMMENTS_IN = "draft_comments_in"  # the family has commented: the final plan is next
    REVIEW_MEETING_ARRANGED = "review_meeting_arranged"  # a date is set, still to come
    REVIEW_MEETING_HELD = "review_meeting_held"  # the report is still to be sent
    REVIEW_REPORT_SENT = "review_report_sent"  # the council's decision is still to come
    REVIEW_AMENDMENTS_SENT = "review_amendments_sent"  # proposed changes with the family
    REVIEW_DONE = "review_done"  # decided (no changes pending): the next review is next


def sub_step(facts: CaseFacts, today: date) -> SubStep:
    """Where the case is within its stage, from its facts."""
    stage = facts.stage
    if stage is Stage.ASSESSMENT and facts.advice_requests:
        if all(request.received_on is not None for request in facts.advice_requests):
            return SubStep.ADVICE_ALL_IN
        return SubStep.ADVICE_OUTSTANDING
    if stage is Stage.DRAFT and facts.draft_sent_on is not None:
        if facts.family_comments_on is not None:
            return SubStep.DRAFT_COMMENTS_IN
        return SubStep.DRAFT_WITH_FAMILY
    if stage is Stage.REVIEW:
        return _review_step(facts, today)
    return SubStep.STAGE


def _review_step(facts: CaseFacts, today: date) -> SubStep:
    # A meeting on or before today counts as held once its day has come.
    meeting = facts.next_review_meeting_on
    if meeting is not None and meeting > today:
        return SubStep.REVIEW_MEETING_ARRANGED
    if facts.amendments_sent_on is not None and facts.amended_plan_issued_on is None:
        return SubStep.REVIEW_AMENDMENTS_SENT
    if facts.last_review_on is None:
        return SubStep.STAGE
    if facts.review_report_sent_on is None:
        return SubStep.REVIEW_MEETING_HELD
    if facts.review_decided_on is None:
        return SubStep.REVIEW_REPORT_SENT
    return SubStep.REVIEW_DONE


_YP, _PA, _PRO, _CO = "young_person", "parent", "professional", "case_officer"

_WORDS: dict[SubStep, dict[str, str]] = {
    SubStep.ADVICE_OUTSTANDING: {
        _YP: "People who know you are writing down what helps you. The council is waiting for "
        "some of them.",
        _PA: "The council is waiting for advice about your child from some of the people it "
        "asked. Each person has 6 weeks from the day they were asked. You can see their dates "
        "here.",
        _PRO: "The council is waiting for advice from some of the people it asked. Each has 6 "
        "weeks from the day they were asked.",
        _CO: "Chase the advice still outstanding. Record each piece as it arrives.",
    },
    SubStep.ADVICE_ALL_IN: {
        _YP: "Everyone has sent what they know about you. The council will now decide about a "
        "plan.",
        _PA: "All the advice is in. The council now decides whether your child needs a plan. "
        "If it decides not to make one, it must tell you by week 16.",
        _PRO: "All the advice is in. The council now decides whether to issue a plan.",
        _CO: "All the advice is in. Decide whether to issue a plan: send the draft, or the "
        "letter saying there will be no plan by week 16.",
    },
    SubStep.DRAFT_WITH_FAMILY: {
        _YP: "Your draft plan is ready. You and your family can say what you think of it.",
        _PA: "You have the draft plan. Send your comments, and the school you want, by the date "
        "below. You can ask for a meeting.",
        _PRO: "The family is checking the draft plan. A school they name has 15 days to reply "
        "if it is asked.",
        _CO: "Wait for the family's comments and consult any school they name. Issue the final "
        "plan by week 20.",
    },
    SubStep.DRAFT_COMMENTS_IN: {
        _YP: "Your family has said what they think of the draft. The final plan comes next.",
        _PA: "We have your comments on the draft plan. The council now writes the final plan. "
        "It is due by week 20.",
        _PRO: "The family has commented on the draft. The council writes the final plan.",
        _CO: "The family's comments are in. Issue the final plan by week 20.",
    },
    SubStep.REVIEW_MEETING_ARRANGED: {
        _YP: "A meeting to check your plan is coming up. You will be asked at least 2 weeks "
        "before it.",
        _PA: "The review meeting is arranged. You will be invited, and sent the advice, at least "
        "2 weeks before it.",
        _PRO: "The review meeting is arranged. Invitations and advice go out at least 2 weeks "
        "before it.",
        _CO: "Send the invitations and advice at least 2 weeks before the meeting.",
    },
    SubStep.REVIEW_MEETING_HELD: {
        _YP: "The meeting about your plan has happened. A report about it comes next.",
        _PA: "The review meeting has been held. You will get a report of it within 2 weeks of "
        "the meeting.",
        _PRO: "The review meeting has been held. The report goes out within 2 weeks of it.",
        _CO: "Send the review report within 2 weeks of the meeting.",
    },
    SubStep.REVIEW_REPORT_SENT: {
        _YP: "The council is deciding if your plan should stay the same, change or end.",
        _PA: "You have the review report. The council now decides whether to keep the plan, "
        "change it or end it. It must tell you within 4 weeks of the meeting.",
        _PRO: "The report is sent. The council decides within 4 weeks of the meeting whether "
        "to keep, change or end the plan.",
        _CO: "Decide within 4 weeks of the meeting whether to keep, amend or cease the plan.",
    },
    SubStep.REVIEW_AMENDMENTS_SENT: {
        _YP: "The council wants to change your plan. You and your family can say what you think.",
        _PA: "The council has sent you the changes it wants to make to the plan. You have at "
        "least 15 days to comment. The changed plan is due within 8 weeks.",
        _PRO: "Proposed changes are with the family. The changed plan is due within 8 weeks "
        "of sending them.",
        _CO: "Wait for the family's comments, then issue the changed plan within 8 weeks of "
        "sending the proposals.",
    },
    SubStep.REVIEW_DONE: {
        _YP: "Your plan has been checked. The next check is within a year.",
        _PA: "The review is finished. You will be invited to the next one, which is due "
        "within 12 months of the meeting.",
        _PRO: "The review is finished. The next one is due within 12 months of the meeting.",
        _CO: "Arrange the next review within 12 months of the last meeting.",
    },
}


#: The heading of the section of a stage's pathway page that holds each step's words. The same
#: heading on the families', young people's and professionals' pages.
STEP_HEADINGS: dict[SubStep, str] = {
    SubStep.ADVICE_OUTSTANDING: "While advice is being gathered",
    SubStep.ADVICE_ALL_IN: "When all the advice is in",
    SubStep.DRAFT_WITH_FAMILY: "When the draft plan has been sent",
    SubStep.DRAFT_COMMENTS_IN: "After comments on the draft plan",
    SubStep.REVIEW_MEETING_ARRANGED: "When the review meeting is arranged",
    SubStep.REVIEW_MEETING_HELD: "After the review meeting",
    SubStep.REVIEW_REPORT_SENT: "After the review report",
    SubStep.REVIEW_AMENDMENTS_SENT: "When changes to the plan are proposed",
    SubStep.REVIEW_DONE: "When the review is finished",
}


#: The steps within each stage that have words of their own.
STEPS_OF_STAGE: dict[Stage, tuple[SubStep, ...]] = {
    Stage.ASSESSMENT: (SubStep.ADVICE_OUTSTANDING, SubStep.ADVICE_ALL_IN),
    Stage.DRAFT: (SubStep.DRAFT_WITH_FAMILY, SubStep.DRAFT_COMMENTS_IN),
    Stage.REVIEW: (
        SubStep.REVIEW_MEETING_ARRANGED,
        SubStep.REVIEW_MEETING_HELD,
        SubStep.REVIEW_REPORT_SENT,
        SubStep.REVIEW_AMENDMENTS_SENT,
        SubStep.REVIEW_DONE,
    ),
}


class StepText(NamedTuple):
    """A step's content key, built-in words and the heading editors write them under."""

    key: str
    default: str
    heading: str


def _reader(audience: Audience | str) -> str:
    audience = Audience(audience)
    if audience in (Audience.SCHOOL, Audience.PROFESSIONAL):
        return _PRO
    return audience.value


def next_step_words(facts: CaseFacts, today: date, audience: Audience | str) -> StepText | None:
    """The built-in words for the case's step within its stage, for this reader, with a content
    key (``pathway/<stage>/<step>/<audience>/next``); None where the stage's own text applies."""
    step = sub_step(facts, today)
    if step is SubStep.STAGE:
        return None
    key = f"pathway/{facts.stage.value}/{step.value}/{Audience(audience).value}/next"
    return StepText(key, _WORDS[step][_reader(audience)], STEP_HEADINGS[step])
