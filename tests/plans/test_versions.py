"""Versions: a sent or issued version never changes; editing makes a new working copy with every
item and link copied; Section I is blank in a draft and named in a final plan."""

from __future__ import annotations

import pytest
from flask import g

from portal.plans import services
from portal.plans.models import PlanVersion, Section, VersionKind
from portal.refusals import NotAllowed, Refused
from tests.plans.conftest import write_plan


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield
        g.pop("_grants", None)


def test_editing_after_sending_makes_a_new_working_copy_and_leaves_the_draft_alone(
    ctx, draft_plan, family_case, case_officer
):
    """The sent draft keeps its words; the change lands in version 2, with every item copied."""
    services.save_section_text(case_officer, family_case, Section.A, text="New words.")
    working = services.working_copy(case_officer, family_case)
    assert working.id != draft_plan.id and working.number == 2
    assert working.kind == VersionKind.WORKING and not working.is_frozen
    sent = services.contents(draft_plan)
    copy = services.contents(working)
    assert sent.version.views_text == "Alfie loves trains."
    assert copy.version.views_text == "New words."
    # Every item was copied, and the copy's links point at the copy's own items.
    assert [n.text for n in copy.all_needs()] == [n.text for n in sent.all_needs()]
    copied_need_ids = {n.id for n in copy.all_needs()}
    assert {n.id for o in copy.outcomes for n in o.needs} == copied_need_ids
    assert {o.id for p in copy.all_provision() for o in p.outcomes} == {o.id for o in copy.outcomes}
    assert copied_need_ids.isdisjoint({n.id for n in sent.all_needs()})
    assert copy.version.says_none(Section.C)


def test_removing_an_item_from_the_working_copy_keeps_it_in_the_sent_draft(
    ctx, draft_plan, family_case, case_officer
):
    """Nothing is ever overwritten: the draft the family read still has the item."""
    working = services.working_copy(case_officer, family_case)
    item = services.contents(working).all_provision()[0]
    services.remove_item(case_officer, family_case, Section.F, item.id)
    assert services.contents(working).all_provision() == []
    assert len(services.contents(draft_plan).all_provision()) == 1


def test_versions_are_labelled_draft_1_draft_2_final_then_amendments(
    ctx, draft_plan, family_case, case_officer
):
    """Drafts are numbered; issuing freezes the final plan; later rounds are amendments."""
    assert draft_plan.label == "Draft 1"
    services.save_section_text(case_officer, family_case, Section.A, text="Changed after comments.")
    assert services.send_draft(case_officer, family_case).label == "Draft 2"
    final = services.issue_final(
        case_officer, family_case, placement_name="Oak Primary School", placement_type="mainstream"
    )
    assert final.label == "Final plan" and final.is_issued and final.placement_name
    proposed = services.send_draft(case_officer, family_case)
    assert proposed.label == "Proposed amendments 1"
    # Section I carries over into amendments: the school stays named.
    assert proposed.placement_name == "Oak Primary School"
    amended = services.issue_final(
        case_officer, family_case, placement_name="Oak Primary School", placement_type="mainstream"
    )
    assert amended.label == "Amended plan 1"
    plan = services.plan_for(family_case)
    assert [v.label for v in services.versions_of(plan)] == [
        "Draft 1",
        "Draft 2",
        "Final plan",
        "Proposed amendments 1",
        "Amended plan 1",
    ]


def test_a_frozen_version_cannot_be_edited_directly(ctx, draft_plan, case_officer):
    """The policy refuses changes to a sent version, even to the case officer."""
    from portal.plans.policy import EDIT, READ, version_rule

    assert version_rule(case_officer, READ, draft_plan)
    assert not version_rule(case_officer, EDIT, draft_plan)


def test_section_i_is_refused_in_a_draft(ctx, family_case, case_officer):
    """A draft must leave Section I blank: naming a school is refused, and nothing is saved."""
    write_plan(case_officer, family_case)
    with pytest.raises(Refused) as refused:
        services.save_placement(
            case_officer, family_case, name="Oak Primary School", placement_type="mainstream"
        )
    assert "blank in a draft" in refused.value.reason


def test_a_draft_with_section_i_filled_is_not_sent(ctx, family_case, case_officer):
    """Even if Section I was filled some other way, sending it as a draft is refused."""
    version = write_plan(case_officer, family_case)
    version.placement_name = "Somewhere"
    with pytest.raises(Refused):
        services.send_draft(case_officer, family_case)
    assert not version.is_frozen


@pytest.mark.parametrize(
    "name, kind, field",
    [("", "mainstream", "placement_name"), ("Oak Primary School", "", "placement_type")],
)
def test_a_final_plan_names_the_school_and_its_type(
    ctx, draft_plan, family_case, case_officer, name, kind, field
):
    """Issuing the final plan without naming the setting and its type is refused."""
    with pytest.raises(Refused) as refused:
        services.issue_final(case_officer, family_case, placement_name=name, placement_type=kind)
    assert refused.value.field == field
    assert all(v.kind != VersionKind.FINAL for v in PlanVersion.query.all())


def test_after_a_final_plan_section_i_may_be_changed_in_amendments(
    ctx, draft_plan, family_case, case_officer
):
    """Once a final plan exists, proposed amendments may name a new school (phase transfer)."""
    services.issue_final(
        case_officer, family_case, placement_name="Oak Primary School", placement_type="mainstream"
    )
    version = services.save_placement(
        case_officer, family_case, name="Riverside Academy", placement_type="mainstream"
    )
    assert version.placement_name == "Riverside Academy"


def test_only_the_team_case_officer_may_write(ctx, family_case, parent, other_council_officer):
    """Nobody else can start or change a plan, even by calling the service."""
    for person in (parent, other_council_officer):
        with pytest.raises(NotAllowed):
            services.save_section_text(person, family_case, Section.A, text="x")


def test_starting_a_working_copy_costs_the_same_statements_however_long_the_plan(
    app, council, case_officer, count_queries
):
    """Copying a sent version into a new working copy: on PostgreSQL a plan with 12 needs,
    outcomes and items of help costs the same statements as one with 1 of each (each kind is one
    batched INSERT). SQLite cannot hand back the new ids of a batched INSERT in order, so there
    it is one INSERT per item and nothing more."""
    from tests import factories

    def copy_statements(size: int) -> int:
        case = factories.make_case(team=council, officer=case_officer)
        write_plan(case_officer, case, needs=size, outcomes=size, provision=size)
        services.send_draft(case_officer, case)
        with count_queries() as statements:
            copy = services.working_copy(case_officer, case)
        copied = services.contents(copy)
        assert len(copied.all_needs()) == size and len(copied.all_provision()) == size
        assert all(len(item.outcomes) == size for item in copied.all_provision())
        return len(statements)

    with app.test_request_context():
        small, large = copy_statements(1), copy_statements(12)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert large == small
    else:
        assert large == small + 3 * 11  # a need, an outcome and an item of help, 11 more each
