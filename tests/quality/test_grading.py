"""The grade is computed from the auditor's answers: weights, bands, not-applicable items, the
limiting rule and framework versions. No database: the framework and the grade are pure."""

from __future__ import annotations

import copy
import json

import pytest

from portal.quality.framework import (
    DEFAULT_FRAMEWORK_PATH,
    Answer,
    FrameworkError,
    Grade,
    load_framework,
    parse_framework,
)
from portal.quality.grading import Unanswered, grade

Y, N, NA = Answer.YES, Answer.NO, Answer.NOT_APPLICABLE

# A small framework for table tests: A weight 1 (2 criteria), B weight 2 (2 criteria, B1
# limiting), E weight 1 (1 criterion).
SMALL = {
    "version": 3,
    "name": "Test framework",
    "sections": [
        {
            "letter": "A",
            "weight": 1,
            "guidance": "Voice.",
            "criteria": [{"code": "A1", "text": "Own words"}, {"code": "A2", "text": "Hopes"}],
        },
        {
            "letter": "B",
            "weight": 2,
            "guidance": "Needs.",
            "criteria": [
                {"code": "B1", "text": "Evidenced by advice", "limiting": True},
                {"code": "B2", "text": "Specific"},
            ],
        },
        {
            "letter": "E",
            "weight": 1,
            "guidance": "Outcomes.",
            "criteria": [{"code": "E1", "text": "Measurable"}],
        },
    ],
    "bands": [
        {"grade": "Outstanding", "minimum": 0.9},
        {"grade": "Good", "minimum": 0.75},
        {"grade": "Requires improvement", "minimum": 0.5},
        {"grade": "Inadequate", "minimum": 0},
    ],
}


@pytest.fixture
def small():
    return parse_framework(copy.deepcopy(SMALL))


@pytest.mark.parametrize(
    ("answers", "expected_grade", "expected_score"),
    [
        # everything met
        ({"A1": Y, "A2": Y, "B1": Y, "B2": Y, "E1": Y}, Grade.OUTSTANDING, 1.0),
        # weights: A half met (0.5*1), B full (1*2), E full (1*1) -> 3.5/4
        ({"A1": Y, "A2": N, "B1": Y, "B2": Y, "E1": Y}, Grade.GOOD, 0.875),
        # B half met, not limiting: (1 + 0.5*2 + 1)/4 = 0.75, exactly on the Good line
        ({"A1": Y, "A2": Y, "B1": Y, "B2": N, "E1": Y}, Grade.GOOD, 0.75),
        # not applicable counts neither way: A2 n/a -> A is 1/1
        ({"A1": Y, "A2": NA, "B1": Y, "B2": Y, "E1": Y}, Grade.OUTSTANDING, 1.0),
        # a section all n/a drops out of the weights: A all n/a, B 1*2, E 0*1 -> 2/3
        ({"A1": NA, "A2": NA, "B1": Y, "B2": Y, "E1": N}, Grade.REQUIRES_IMPROVEMENT, 2 / 3),
        # nothing met
        ({"A1": N, "A2": N, "B1": N, "B2": N, "E1": N}, Grade.INADEQUATE, 0.0),
    ],
)
def test_grade_follows_weights_bands_and_not_applicable(
    small, answers, expected_grade, expected_score
):
    result = grade(small, answers)

    assert result.grade is expected_grade
    assert result.score == pytest.approx(expected_score)
    assert result.framework_version == 3


def test_a_failed_limiting_criterion_holds_a_good_plan_at_requires_improvement(small):
    # (1 + 0.5*2 + 1)/4 = 0.75 would be Good, but B1 is limiting
    result = grade(small, {"A1": Y, "A2": Y, "B1": N, "B2": Y, "E1": Y})

    assert result.score == pytest.approx(0.75)
    assert result.grade is Grade.REQUIRES_IMPROVEMENT
    assert result.failed_limiting == ("B1",)
    assert result.explanation.startswith(
        "Requires improvement because B1 'Evidenced by advice' is not met (a limiting criterion)."
    )
    assert "Without that it would be Good" in result.explanation


def test_a_failed_limiting_criterion_never_improves_an_inadequate_plan(small):
    result = grade(small, {"A1": N, "A2": N, "B1": N, "B2": N, "E1": Y})

    assert result.grade is Grade.INADEQUATE
    assert "Limiting criteria not met: B1" in result.explanation


def test_limiting_criterion_marked_not_applicable_does_not_limit(small):
    result = grade(small, {"A1": Y, "A2": Y, "B1": NA, "B2": Y, "E1": Y})

    assert result.grade is Grade.OUTSTANDING
    assert result.failed_limiting == ()


def test_each_section_has_its_own_grade(small):
    result = grade(small, {"A1": NA, "A2": NA, "B1": Y, "B2": N, "E1": Y})

    by_letter = {section.letter: section for section in result.sections}
    assert by_letter["A"].grade is None
    assert by_letter["A"].score is None
    assert by_letter["B"].grade is Grade.REQUIRES_IMPROVEMENT
    assert (by_letter["B"].met, by_letter["B"].answered) == (1, 2)
    assert by_letter["E"].grade is Grade.OUTSTANDING


def test_no_grade_until_every_criterion_is_answered(small):
    with pytest.raises(Unanswered) as raised:
        grade(small, {"A1": Y, "B1": Y, "E1": Y})

    assert raised.value.codes == ["A2", "B2"]


def test_answers_for_criteria_outside_the_framework_are_refused(small):
    with pytest.raises(ValueError, match="F9"):
        grade(small, {"A1": Y, "A2": Y, "B1": Y, "B2": Y, "E1": Y, "F9": Y})


def test_nothing_to_grade_when_everything_is_not_applicable(small):
    with pytest.raises(ValueError, match="nothing to grade"):
        grade(small, dict.fromkeys(["A1", "A2", "B1", "B2", "E1"], NA))


def test_old_grades_do_not_change_when_a_new_version_makes_a_criterion_limiting(small):
    answers = {"A1": Y, "A2": Y, "B1": Y, "B2": N, "E1": Y}
    newer_data = copy.deepcopy(SMALL)
    newer_data["version"] = 4
    newer_data["sections"][1]["criteria"][1]["limiting"] = True
    newer = parse_framework(newer_data)

    old = grade(small, answers)
    new = grade(newer, answers)

    assert (old.framework_version, old.grade) == (3, Grade.GOOD)
    assert (new.framework_version, new.grade) == (4, Grade.REQUIRES_IMPROVEMENT)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["sections"][0]["criteria"][0].update(limiting=True), "only B, E and F"),
        (lambda d: d["sections"].reverse(), "plan's order"),
        (lambda d: d["sections"][0].update(weight=0), "weight of 1 or more"),
        (lambda d: d["sections"][0]["criteria"][1].update(code="A1"), "unique"),
        (lambda d: d["sections"][2].update(criteria=[]), "no criteria"),
        (lambda d: d["bands"].reverse(), "Outstanding, Good"),
        (lambda d: d["bands"][3].update(minimum=0.1), "end at 0"),
        (lambda d: d.pop("version"), "missing"),
    ],
)
def test_a_framework_that_would_grade_unfairly_is_refused(change, message):
    data = copy.deepcopy(SMALL)
    change(data)

    with pytest.raises(FrameworkError, match=message):
        parse_framework(data)


def test_the_default_framework_covers_every_section_with_limits_only_in_b_e_and_f():
    framework = load_framework()

    assert [s.letter for s in framework.sections] == [
        "A",
        "B",
        "C",
        "D",
        "E",
        "F",
        "G",
        "H1",
        "H2",
        "I",
        "J",
        "K",
    ]
    limiting = {c.code[0] for s in framework.sections for c in s.criteria if c.limiting}
    assert limiting == {"B", "E", "F"}
    assert all(section.guidance for section in framework.sections)
    assert json.loads(DEFAULT_FRAMEWORK_PATH.read_text())["version"] == framework.version


def test_the_default_framework_holds_provision_that_is_not_quantified_below_good():
    framework = load_framework()
    answers = {c.code: Y for s in framework.sections for c in s.criteria}
    answers["F3"] = N

    result = grade(framework, answers)

    assert result.grade is Grade.REQUIRES_IMPROVEMENT
    assert "F3 'Help is quantified" in result.explanation
