"""The real next step within a stage (issue 11): where the case is, from its facts, and the words
each reader gets for it. Table-driven over every sub-step and every audience."""

from __future__ import annotations

from datetime import date

import pytest

from portal.pathway import AdviceRequest, Audience, CaseFacts, Stage
from portal.pathway.next_step import SubStep, next_step_words, sub_step

TODAY = date(2027, 6, 1)
RECEIVED = date(2027, 1, 4)


def _facts(stage: Stage, **values) -> CaseFacts:
    return CaseFacts(stage=stage, request_received_on=RECEIVED, **values)


def _advice(received: date | None, ref: str = "1") -> AdviceRequest:
    return AdviceRequest(
        ref=ref, from_whom="someone", sent_on=date(2027, 2, 1), received_on=received
    )


HELD = date(2027, 5, 20)  # a review meeting before TODAY
CASES = [
    # (what the case looks like, facts, the step)
    ("request", _facts(Stage.REQUEST), SubStep.STAGE),
    ("assessment, nobody asked yet", _facts(Stage.ASSESSMENT), SubStep.STAGE),
    (
        "assessment, one of two answered",
        _facts(Stage.ASSESSMENT, advice_requests=(_advice(date(2027, 3, 1)), _advice(None, "2"))),
        SubStep.ADVICE_OUTSTANDING,
    ),
    (
        "assessment, all answered",
        _facts(Stage.ASSESSMENT, advice_requests=(_advice(date(2027, 3, 1)),)),
        SubStep.ADVICE_ALL_IN,
    ),
    ("decision", _facts(Stage.DECISION), SubStep.STAGE),
    ("draft not sent yet", _facts(Stage.DRAFT), SubStep.STAGE),
    (
        "draft sent, no comments",
        _facts(Stage.DRAFT, draft_sent_on=date(2027, 5, 25)),
        SubStep.DRAFT_WITH_FAMILY,
    ),
    (
        "draft sent, comments in",
        _facts(Stage.DRAFT, draft_sent_on=date(2027, 5, 1), family_comments_on=date(2027, 5, 10)),
        SubStep.DRAFT_COMMENTS_IN,
    ),
    ("final", _facts(Stage.FINAL, final_issued_on=date(2027, 5, 1)), SubStep.STAGE),
    ("review, nothing arranged", _facts(Stage.REVIEW), SubStep.STAGE),
    (
        "review, meeting arranged",
        _facts(Stage.REVIEW, next_review_meeting_on=date(2027, 6, 20)),
        SubStep.REVIEW_MEETING_ARRANGED,
    ),
    (
        "review, meeting day has come",
        _facts(Stage.REVIEW, next_review_meeting_on=TODAY, last_review_on=TODAY),
        SubStep.REVIEW_MEETING_HELD,
    ),
    (
        "review, meeting held",
        _facts(Stage.REVIEW, last_review_on=HELD),
        SubStep.REVIEW_MEETING_HELD,
    ),
    (
        "review, report sent",
        _facts(Stage.REVIEW, last_review_on=HELD, review_report_sent_on=date(2027, 5, 27)),
        SubStep.REVIEW_REPORT_SENT,
    ),
    (
        "review, amendments sent",
        _facts(
            Stage.REVIEW,
            last_review_on=HELD,
            review_report_sent_on=date(2027, 5, 27),
            review_decided_on=date(2027, 5, 28),
            amendments_sent_on=date(2027, 5, 28),
        ),
        SubStep.REVIEW_AMENDMENTS_SENT,
    ),
    (
        "review, amended plan issued",
        _facts(
            Stage.REVIEW,
            last_review_on=HELD,
            review_report_sent_on=date(2027, 5, 27),
            review_decided_on=date(2027, 5, 28),
            amendments_sent_on=date(2027, 5, 28),
            amended_plan_issued_on=date(2027, 5, 31),
        ),
        SubStep.REVIEW_DONE,
    ),
    (
        "review, decided to keep the plan",
        _facts(
            Stage.REVIEW,
            last_review_on=HELD,
            review_report_sent_on=date(2027, 5, 27),
            review_decided_on=date(2027, 5, 28),
        ),
        SubStep.REVIEW_DONE,
    ),
    ("ceased", _facts(Stage.CEASED), SubStep.STAGE),
    ("not assessing", _facts(Stage.NOT_ASSESSING), SubStep.STAGE),
    ("not issuing", _facts(Stage.NOT_ISSUING), SubStep.STAGE),
]


@pytest.mark.parametrize(("facts", "step"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_step_within_the_stage_follows_the_facts(facts, step):
    """Each stage and sub-step, including the whole review sequence, is read from the facts."""
    assert sub_step(facts, TODAY) is step


@pytest.mark.parametrize("audience", list(Audience))
@pytest.mark.parametrize(("facts", "step"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_reader_gets_words_for_every_sub_step(facts, step, audience):
    """A sub-step has words for every audience, with a content key naming stage, step and
    reader; where the stage's own text applies there are none."""
    words = next_step_words(facts, TODAY, audience)
    if step is SubStep.STAGE:
        assert words is None
        return
    assert words is not None and words.default.strip()
    assert words.key == f"pathway/{facts.stage.value}/{step.value}/{audience.value}/next"


def test_after_the_report_nobody_is_told_they_will_be_asked_to_the_meeting():
    """The fault in issue 11: with the meeting held and the report sent, the young person and
    parent read about the decision, not the invitation."""
    facts = _facts(Stage.REVIEW, last_review_on=HELD, review_report_sent_on=date(2027, 5, 27))
    for audience in (Audience.YOUNG_PERSON, Audience.PARENT):
        words = next_step_words(facts, TODAY, audience)
        assert words is not None
        assert "asked" not in words.default and "invited" not in words.default
        assert "change" in words.default and "end" in words.default


@pytest.mark.parametrize("audience", [Audience.PARENT, Audience.YOUNG_PERSON])
def test_family_words_speak_to_the_reader(audience):
    """The family's words are in the second person ("you", "your"), never "the family"."""
    for _, facts, step in CASES:
        words = next_step_words(facts, TODAY, audience)
        if words is None:
            continue
        assert "the family" not in words.default.lower(), (step, words.default)
        assert "you" in words.default.lower(), (step, words.default)
