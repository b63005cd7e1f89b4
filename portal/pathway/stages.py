"""Stages, audiences, the visual pathway's steps, and the legal moves between stages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from portal.refusals import Refused

# --------------------------------------------------------------------------------------------------
# Stages and audiences
# --------------------------------------------------------------------------------------------------


class Stage(StrEnum):
    """Where a case is. The values are stored in the database; never rename them."""

    REQUEST = "request"
    ASSESSMENT = "assessment"
    DECISION = "decision"
    DRAFT = "draft"
    FINAL = "final"
    REVIEW = "review"
    CEASED = "ceased"
    # Closed outcomes: a "no" decision ended the case before a plan existed.
    NOT_ASSESSING = "not_assessing"
    NOT_ISSUING = "not_issuing"


class Audience(StrEnum):
    """Who is reading: wording and content keys differ for each."""

    YOUNG_PERSON = "young_person"
    PARENT = "parent"
    SCHOOL = "school"
    PROFESSIONAL = "professional"
    CASE_OFFICER = "case_officer"


#: The seven stages of the visual pathway, in order (the closed outcomes are not steps on the path).
MAIN_STAGES: tuple[Stage, ...] = (
    Stage.REQUEST,
    Stage.ASSESSMENT,
    Stage.DECISION,
    Stage.DRAFT,
    Stage.FINAL,
    Stage.REVIEW,
    Stage.CEASED,
)

#: Outcomes that end a case before a plan is made.
CLOSED_OUTCOMES: frozenset[Stage] = frozenset({Stage.NOT_ASSESSING, Stage.NOT_ISSUING})

#: Stages a case never leaves.
FINAL_STAGES: frozenset[Stage] = CLOSED_OUTCOMES | {Stage.CEASED}

#: Stages reached by a "no" decision, which carries the right to mediation and appeal.
APPEALABLE_STAGES: frozenset[Stage] = FINAL_STAGES

#: The main stage at which each closed outcome is decided.
CLOSING_POINT: Mapping[Stage, Stage] = {
    Stage.NOT_ASSESSING: Stage.REQUEST,
    Stage.NOT_ISSUING: Stage.DECISION,
}

_FAMILY_NAMES: dict[Stage, str] = {
    Stage.REQUEST: "Asking for an assessment",
    Stage.ASSESSMENT: "Finding out about your child",
    Stage.DECISION: "Deciding about a plan",
    Stage.DRAFT: "Checking the draft plan",
    Stage.FINAL: "The plan is ready",
    Stage.REVIEW: "Checking the plan works",
    Stage.CEASED: "Plan ended",
    Stage.NOT_ASSESSING: "We are not assessing",
    Stage.NOT_ISSUING: "We are not making a plan",
}

_YOUNG_PERSON_NAMES: dict[Stage, str] = {
    Stage.REQUEST: "Asking for help",
    Stage.ASSESSMENT: "Finding out about you",
    Stage.DECISION: "Deciding about a plan",
    Stage.DRAFT: "Checking your plan",
    Stage.FINAL: "Your plan is ready",
    Stage.REVIEW: "Checking your plan works",
    Stage.CEASED: "Your plan has ended",
    Stage.NOT_ASSESSING: "No assessment for now",
    Stage.NOT_ISSUING: "No plan for now",
}

_PROFESSIONAL_NAMES: dict[Stage, str] = {
    Stage.REQUEST: "Request for a needs assessment",
    Stage.ASSESSMENT: "Needs assessment",
    Stage.DECISION: "Decision whether to issue a plan",
    Stage.DRAFT: "Draft plan",
    Stage.FINAL: "Final plan issued",
    Stage.REVIEW: "Reviews",
    Stage.CEASED: "Plan ceased",
    Stage.NOT_ASSESSING: "Decided not to assess",
    Stage.NOT_ISSUING: "Decided not to issue a plan",
}


def stage_label(stage: Stage | str, audience: Audience | str = Audience.PARENT) -> str:
    """The name of a stage in the words of the given audience.

    Parents and carers read the family-facing names; young people simpler ones; schools,
    professionals and case officers the professional names.
    """
    stage, audience = Stage(stage), Audience(audience)
    if audience is Audience.YOUNG_PERSON:
        return _YOUNG_PERSON_NAMES[stage]
    if audience is Audience.PARENT:
        return _FAMILY_NAMES[stage]
    return _PROFESSIONAL_NAMES[stage]


def stage_number(stage: Stage | str) -> int | None:
    """The step number (1-7) of a main stage on the pathway; ``None`` for a closed outcome."""
    stage = Stage(stage)
    return MAIN_STAGES.index(stage) + 1 if stage in MAIN_STAGES else None


def is_closed(stage: Stage | str) -> bool:
    """True when the case can no longer move (plan ended, not assessing, not issuing)."""
    return Stage(stage) in FINAL_STAGES


class StepState(StrEnum):
    """The state of one step on the visual pathway, relative to where the case is."""

    DONE = "done"
    NOW = "now"
    TO_COME = "to_come"
    NOT_HAPPENING = "not_happening"


_STEP_STATE_LABELS: dict[StepState, str] = {
    StepState.DONE: "Done",
    StepState.NOW: "Now",
    StepState.TO_COME: "To come",
    StepState.NOT_HAPPENING: "Not happening",
}


def step_state_label(state: StepState | str) -> str:
    """Words for a step's state, so the pathway never relies on colour alone."""
    return _STEP_STATE_LABELS[StepState(state)]


@dataclass(frozen=True, slots=True)
class PathwayStep:
    """One step of the visual pathway for a case: which stage, its number, name and state."""

    stage: Stage
    number: int
    label: str
    state: StepState


def pathway_steps(
    current: Stage | str | None, audience: Audience | str = Audience.PARENT
) -> list[PathwayStep]:
    """The seven main stages with each one's state for a case at ``current``.

    Before the current stage: done; the current stage: now; after it: to come. When the case ended
    in a closed outcome, the stage where it was decided and those before it are done and the rest
    are "not happening". A ceased plan shows every stage done and "Plan ended" as now.
    ``current=None`` gives the general pathway (every step "to come") for the public page.
    """
    if current is None:
        states = [StepState.TO_COME] * len(MAIN_STAGES)
    else:
        current = Stage(current)
        if current in CLOSING_POINT:
            closed_at = MAIN_STAGES.index(CLOSING_POINT[current])
            states = [
                StepState.DONE if i <= closed_at else StepState.NOT_HAPPENING
                for i in range(len(MAIN_STAGES))
            ]
        else:
            now = MAIN_STAGES.index(current)
            states = [
                StepState.DONE if i < now else StepState.NOW if i == now else StepState.TO_COME
                for i in range(len(MAIN_STAGES))
            ]
    return [
        PathwayStep(stage=stage, number=i + 1, label=stage_label(stage, audience), state=state)
        for i, (stage, state) in enumerate(zip(MAIN_STAGES, states, strict=True))
    ]


# --------------------------------------------------------------------------------------------------
# Legal moves
# --------------------------------------------------------------------------------------------------


class IllegalMove(Refused):
    """A move between stages the process does not allow; ``reason`` is a sentence for a person."""


# Order matters: allowed_moves() returns targets in this order (the usual next step first).
_MOVES: dict[Stage, tuple[Stage, ...]] = {
    Stage.REQUEST: (Stage.ASSESSMENT, Stage.NOT_ASSESSING),
    Stage.ASSESSMENT: (Stage.DECISION,),
    Stage.DECISION: (Stage.DRAFT, Stage.NOT_ISSUING),
    Stage.DRAFT: (Stage.FINAL,),
    Stage.FINAL: (Stage.REVIEW,),
    # review -> review: an amended plan or the next review keeps the case in the review cycle.
    Stage.REVIEW: (Stage.REVIEW, Stage.CEASED),
    Stage.CEASED: (),
    Stage.NOT_ASSESSING: (),
    Stage.NOT_ISSUING: (),
}

# Position used only to tell "going back" from "skipping ahead" in refusal messages.
_POSITION: dict[Stage, float] = {stage: float(i) for i, stage in enumerate(MAIN_STAGES)}
_POSITION[Stage.NOT_ASSESSING] = _POSITION[Stage.REQUEST] + 0.5
_POSITION[Stage.NOT_ISSUING] = _POSITION[Stage.DECISION] + 0.5


def allowed_moves(stage: Stage | str) -> tuple[Stage, ...]:
    """The stages a case at ``stage`` may move to next (empty for a closed case)."""
    return _MOVES[Stage(stage)]


def _quoted(stage: Stage) -> str:
    return f"'{_FAMILY_NAMES[stage]}'"


def _or_list(stages: tuple[Stage, ...]) -> str:
    names = [_quoted(s) for s in stages]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def check_move(current: Stage | str, target: Stage | str) -> None:
    """Refuse a move the process does not allow, raising :class:`IllegalMove` with the reason.

    The reason names both stages in the family-facing words and, where the case can move on,
    says where it can go next.
    """
    for name in (current, target):
        if name not in _MOVES:  # StrEnum members hash and compare equal to their values
            raise IllegalMove(f"There is no stage called '{name}'.")
    current, target = Stage(current), Stage(target)
    allowed = _MOVES[current]
    if target in allowed:
        return
    here, there = _quoted(current), _quoted(target)
    if current in FINAL_STAGES:
        reason = f"A case at {here} is closed. It cannot move to {there}."
    elif target == current:
        reason = f"The case is already at {here}."
    elif target in CLOSING_POINT:
        reason = (
            f"A case at {here} cannot move to {there}. "
            f"That can only be decided at {_quoted(CLOSING_POINT[target])}."
        )
    elif _POSITION[target] < _POSITION[current]:
        reason = f"A case at {here} cannot go back to {there}."
    else:
        reason = (
            f"A case at {here} cannot go straight to {there}. "
            f"Next it can go to {_or_list(allowed)}."
        )
    raise IllegalMove(reason)
