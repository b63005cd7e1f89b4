"""The grade of an audit, computed from the auditor's answers. The auditor never types a grade.

The rule, in plain words:

- A section's score is the share of its criteria met, counting only those answered yes or no
  ("not applicable" counts neither way). A section whose criteria are all "not applicable" has no
  score and does not count towards the overall grade.
- The overall score is the mean of the section scores, weighted by the framework's section weights.
- Scores map to a grade by the framework's bands (each band has a lowest score).
- A limiting criterion (only in B, E or F) answered "no" holds the overall grade at Requires
  improvement at best: a plan cannot be Good or Outstanding with it. It never lifts a worse
  grade.
- Every criterion must be answered before there is a grade.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from portal.quality.framework import Answer, Framework, Grade


@dataclass(frozen=True)
class SectionResult:
    letter: str
    met: int
    answered: int  # yes or no
    grade: Grade | None  # None when every criterion is not applicable

    @property
    def score(self) -> float | None:
        return self.met / self.answered if self.answered else None


@dataclass(frozen=True)
class Result:
    framework_version: int
    grade: Grade
    score: float  # 0 to 1, the weighted share of criteria met
    sections: tuple[SectionResult, ...]
    failed_limiting: tuple[str, ...]  # codes, in framework order
    explanation: str


class Unanswered(ValueError):
    """Some criteria have no answer yet; `codes` lists them in framework order."""

    def __init__(self, codes: list[str]) -> None:
        super().__init__("Not yet answered: " + ", ".join(codes))
        self.codes = codes


def grade(framework: Framework, answers: Mapping[str, Answer]) -> Result:
    """The grade for these answers (criterion code -> answer) under this framework."""
    unknown = sorted(set(answers) - {c.code for s in framework.sections for c in s.criteria})
    if unknown:
        raise ValueError("Answers for criteria not in this framework: " + ", ".join(unknown))
    missing = [c.code for s in framework.sections for c in s.criteria if c.code not in answers]
    if missing:
        raise Unanswered(missing)

    sections: list[SectionResult] = []
    weighted = 0.0
    total_weight = 0
    failed_limiting: list[str] = []
    for section in framework.sections:
        met = answered = 0
        for criterion in section.criteria:
            answer = Answer(answers[criterion.code])
            if answer is Answer.NOT_APPLICABLE:
                continue
            answered += 1
            if answer is Answer.YES:
                met += 1
            elif criterion.limiting:
                failed_limiting.append(criterion.code)
        section_grade = framework.band_for(met / answered) if answered else None
        sections.append(SectionResult(section.letter, met, answered, section_grade))
        if answered:
            weighted += section.weight * met / answered
            total_weight += section.weight

    if not total_weight:
        raise ValueError("Every criterion is not applicable: there is nothing to grade.")
    score = weighted / total_weight
    by_score = framework.band_for(score)
    overall = by_score
    if failed_limiting and by_score.rank < Grade.REQUIRES_IMPROVEMENT.rank:
        overall = Grade.REQUIRES_IMPROVEMENT
    return Result(
        framework_version=framework.version,
        grade=overall,
        score=score,
        sections=tuple(sections),
        failed_limiting=tuple(failed_limiting),
        explanation=_explain(framework, overall, by_score, score, failed_limiting),
    )


def _explain(
    framework: Framework, overall: Grade, by_score: Grade, score: float, failed: list[str]
) -> str:
    percent = f"{round(score * 100)}% of the criteria that apply are met"
    if overall is not by_score:
        named = "; ".join(f"{code} '{framework.criterion(code).text}'" for code in failed)
        limiting = "a limiting criterion" if len(failed) == 1 else "limiting criteria"
        return (
            f"{overall} because {named} is not met ({limiting}). "
            f"Without that it would be {by_score}: {percent}."
        )
    text = f"{overall}: {percent}."
    if failed:
        named = ", ".join(failed)
        text += f" Limiting criteria not met: {named}."
    return text
