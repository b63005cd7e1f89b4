"""The plan checks: vague provision words, missing links, empty sections, Section I in a draft,
old advice and reading age. Each check is shown a plan that should trip it and one that should
not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from portal.plans.checks import check_plan, provision_findings, vague_phrases
from portal.plans.models import Section
from portal.plans.services import AdviceLine, PlanContents

TODAY = date(2027, 3, 10)


@pytest.mark.parametrize(
    "text, found",
    [
        ("Regular phonics support", ["regular"]),
        ("Speech therapy as required", ["as required"]),
        ("Access to a quiet space", ["access to"]),
        ("Opportunities for social skills", ["opportunities for"]),
        ("Alfie would benefit from a laptop", ["would benefit from"]),
        ("Help as appropriate", ["as appropriate"]),
        ("Up to 5 hours of help", ["up to"]),
        ("A quiet space AS   NEEDED", ["as needed"]),
        ("30 minutes of phonics, 3 times a week, 1 to 1", []),
        ("Irregular verbs practice", []),  # a word containing "regular" is not the word
        ("She has access tokens", []),
    ],
)
def test_vague_phrases_are_found_as_words(text, found):
    """Each phrase that makes help unenforceable is found, whatever its case or spacing."""
    assert vague_phrases(text) == found


@pytest.mark.parametrize(
    "what, who, often, how_long, linked, kinds",
    [
        ("Phonics teaching", "Teaching assistant", "Daily, 20 minutes", "Until review", True, []),
        ("Support with reading", "Teaching assistant", "", "Until review", True,
         ["vague", "missing"]),
        ("Phonics teaching", "", "", "", True, ["missing"]),
        ("Phonics teaching", "TA", "Daily", "A year", False, ["links"]),
        ("Regular phonics", "TA", "Daily", "A year", True, ["vague"]),
    ],
)  # fmt: skip
def test_an_item_of_help_is_specified_quantified_and_linked(
    what, who, often, how_long, linked, kinds
):
    """Help must say who, how often and for how long, with no vague words, linked to outcomes."""
    findings = provision_findings(
        Section.F, what=what, who=who, how_often=often, how_long=how_long, linked=linked
    )
    assert [f.kind for f in findings] == kinds


# --- Whole-plan checks on hand-made contents (no database) -------------------------------------


@dataclass
class V:
    views_text: str = "Alfie likes trains."
    my_plan_text: str = ""
    health_text: str = ""
    social_care_text: str = ""
    personal_budget_text: str = ""
    placement_name: str | None = None
    placement_type: str | None = None
    none_identified: list = field(default_factory=lambda: ["c", "d", "g", "h1", "h2", "j"])
    is_issued: bool = False

    def says_none(self, section):
        return section.value in self.none_identified


@dataclass
class N:
    id: int
    section: str = "b"
    text: str = "A need"
    is_strength: bool = False
    area: str = "communication"


@dataclass
class Out:
    id: int
    text: str = "An outcome"
    needs: list = field(default_factory=list)


@dataclass
class P:
    id: int
    section: str = "f"
    what: str = "Phonics"
    who: str = "TA"
    how_often: str = "Daily"
    how_long: str = "A year"
    group_size: str = ""
    outcomes: list = field(default_factory=list)
    needs: list = field(default_factory=list)


def _plan(version=None, needs=None, outcomes=None, provision=None, advice=None, issued=False):
    need = N(1)
    outcome = Out(1, needs=[need])
    plan = PlanContents(version=version or V())  # type: ignore[arg-type]
    plan.needs = {Section.B: [need] if needs is None else needs, Section.C: [], Section.D: []}
    plan.outcomes = [outcome] if outcomes is None else outcomes
    items = [P(1, outcomes=[outcome])] if provision is None else provision
    plan.provision = {Section.F: items, Section.G: [], Section.H1: [], Section.H2: []}
    plan.advice = advice or []
    plan.has_issued_before = issued
    return plan


def test_a_complete_plan_has_no_findings():
    """A need with an outcome with help, every section filled or "none identified": clean."""
    assert check_plan(_plan(), TODAY) == []


def test_a_need_with_no_outcome_is_found():
    """Every need must be answered by an outcome (strengths need not be)."""
    lonely, strength = N(2, text="Finds noise hard"), N(3, is_strength=True)
    need = N(1)
    outcome = Out(1, needs=[need])
    findings = check_plan(
        _plan(needs=[need, lonely, strength], outcomes=[outcome],
              provision=[P(1, outcomes=[outcome])]),
        TODAY,
    )  # fmt: skip
    assert [(f.section, f.item_id) for f in findings] == [(Section.B, 2)]


def test_an_outcome_with_no_provision_is_found():
    """Every outcome needs help towards it."""
    need = N(1)
    helped, unhelped = Out(1, needs=[need]), Out(2, needs=[need])
    findings = check_plan(
        _plan(needs=[need], outcomes=[helped, unhelped], provision=[P(1, outcomes=[helped])]),
        TODAY,
    )
    assert [(f.section, f.item_id, f.kind) for f in findings] == [(Section.E, 2, "links")]


def test_provision_linked_to_nothing_is_found():
    """Help that serves no outcome or need is flagged."""
    findings = check_plan(_plan(provision=[P(1, outcomes=[]), P(2, outcomes=[Out(1)])]), TODAY)
    assert ("links", 1) in [(f.kind, f.item_id) for f in findings]


def test_an_empty_section_must_say_none_identified():
    """C, D, G, H1, H2 and J are either filled in or say "none identified"."""
    version = V(none_identified=["d", "g", "h1", "h2", "j"])
    findings = check_plan(_plan(version=version), TODAY)
    assert [f.section for f in findings] == [Section.C]


def test_section_i_filled_in_a_draft_is_found_but_not_after_a_final_plan():
    """Section I must be blank in a draft; in amendments after a final plan it may be filled."""
    version = V(placement_name="Oak Primary", placement_type="mainstream")
    assert [f.kind for f in check_plan(_plan(version=version), TODAY)] == ["rule"]
    assert check_plan(_plan(version=version, issued=True), TODAY) == []


def test_advice_older_than_12_months_is_found():
    """Section K advice over a year old is flagged; newer advice is not."""
    advice = [
        AdviceLine("Health advice", "Dr Patel", date(2026, 1, 5)),
        AdviceLine("Educational advice", "Oak Primary", date(2026, 12, 1)),
    ]
    findings = check_plan(_plan(advice=advice), TODAY)
    assert [(f.section, "Dr Patel" in f.message) for f in findings] == [(Section.K, True)]


def test_my_plan_must_read_simply_for_a_young_person():
    """The young person's summary is held to the young people's reading age."""
    simple = V(my_plan_text="I want to read. I get help every day. We check it each term.")
    hard = V(
        my_plan_text=(
            "Comprehensive multidisciplinary interventions will systematically facilitate "
            "improvements in phonological awareness and educational attainment."
        )
    )
    assert check_plan(_plan(version=simple), TODAY) == []
    assert [f.kind for f in check_plan(_plan(version=hard), TODAY)] == ["reading"]
