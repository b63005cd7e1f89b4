"""Banding services, table-tested: propose, agree, change only with a reason, withdraw, one
primary area, one proposal waiting per area, history kept, every decision recorded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.audit import Event, Visibility
from portal.extensions import db
from portal.funding import services
from portal.funding.models import BandingStatus
from portal.refusals import Refused

GOOD = {
    "area_of_need": "communication",
    "band": 3,
    "setting_type": "mainstream",
    "effective": date(2026, 9, 1),
    "statements": "Needs an adult nearby for part of each day.",
    "evidence": "Section B: Finds it hard to follow spoken steps",
}


def _events(case) -> list[tuple[str, str, str]]:
    db.session.flush()
    return [
        (e.action, e.visibility, e.summary or "")
        for e in db.session.scalars(
            select(Event).where(Event.case_id == case.id).order_by(Event.id)
        )
    ]


@pytest.mark.parametrize(
    ("proposed", "agreed", "reason", "refusal"),
    [
        (3, 3, "", None),  # agreed as proposed: no reason needed
        (3, 3, "Matches the reports", None),
        (3, 4, "", "Say why the band is 4 and not the proposed band 3"),
        (3, 4, "   ", "Say why the band is 4 and not the proposed band 3"),
        (3, 2, "Help in F is a small group, band 2", None),
        (3, 7, "Too high", "Choose a band from 1 to 6"),
        (3, 0, "Too low", "Choose a band from 1 to 6"),
    ],
)
def test_deciding_a_band(family_case, senco, case_officer, proposed, agreed, reason, refusal):
    """The council agrees as proposed, or a different band only with a reason."""
    banding = services.propose(family_case, senco, **(GOOD | {"band": proposed}))
    if refusal:
        with pytest.raises(Refused, match=refusal):
            services.decide(banding, case_officer, band=agreed, reason=reason)
        assert banding.status == BandingStatus.PROPOSED and banding.agreed_band is None
        return
    services.decide(banding, case_officer, band=agreed, reason=reason)
    assert (banding.status, banding.agreed_band) == ("agreed", agreed)
    assert banding.was_changed == (agreed != proposed)
    assert banding.moderation_reason == reason.strip()


@pytest.mark.parametrize(
    ("first", "then", "refusal"),
    [
        ("decide", "decide", "already been decided"),
        ("decide", "withdraw", "Only a band waiting to be agreed can be withdrawn"),
        ("withdraw", "decide", "already been decided"),
        ("withdraw", "withdraw", "Only a band waiting to be agreed can be withdrawn"),
    ],
)
def test_a_decided_band_cannot_be_decided_again(
    family_case, senco, case_officer, first, then, refusal
):
    banding = services.propose(family_case, senco, **GOOD)
    act = {
        "decide": lambda: services.decide(banding, case_officer, band=3, reason=""),
        "withdraw": lambda: services.withdraw(banding, case_officer, reason="Plan not issued"),
    }
    act[first]()
    status = banding.status
    with pytest.raises(Refused, match=refusal):
        act[then]()
    assert banding.status == status


def test_a_withdrawn_proposal_stays_in_the_history_and_another_can_follow(
    family_case, senco, case_officer
):
    first = services.propose(family_case, senco, **GOOD)
    services.withdraw(first, case_officer, reason="Wrong area of need")
    second = services.propose(family_case, senco, **(GOOD | {"band": 2}))
    assert [(b.id, b.status) for b in services.history(family_case)] == [
        (second.id, "proposed"),
        (first.id, "withdrawn"),
    ]
    assert first.moderation_reason == "Wrong area of need"
    assert services.agreed_periods(family_case, "communication") == []


def test_only_one_proposal_waits_per_area(family_case, senco, case_officer):
    """A second proposal for an area waits until the council decides the first."""
    services.propose(family_case, senco, **GOOD)
    with pytest.raises(Refused, match="already waiting to be agreed") as refused:
        services.propose(family_case, case_officer, **(GOOD | {"band": 4}))
    assert refused.value.field == "band"
    services.propose(family_case, case_officer, **(GOOD | {"area_of_need": "semh"}))
    assert len(services.history(family_case)) == 2


@pytest.mark.parametrize(
    ("areas", "primary_after"),
    [
        ([("communication", True)], ["communication"]),
        ([("communication", True), ("semh", True)], ["semh"]),
        ([("communication", True), ("semh", False)], ["communication"]),
        ([("communication", False), ("semh", False)], []),
        ([("communication", True), ("semh", True), ("cognition", True)], ["cognition"]),
    ],
)
def test_one_primary_area(family_case, senco, case_officer, areas, primary_after):
    """The last area marked as the main one is the only main one, proposed or agreed."""
    made = []
    for area, primary in areas:
        banding = services.propose(
            family_case, senco, **(GOOD | {"area_of_need": area}), primary=primary
        )
        services.decide(banding, case_officer, band=3, reason="")
        made.append(banding)
    assert [b.area_of_need for b in made if b.primary] == primary_after


def test_marking_a_proposal_primary_unmarks_the_other_waiting_one(family_case, senco):
    first = services.propose(family_case, senco, **GOOD, primary=True)
    second = services.propose(family_case, senco, **(GOOD | {"area_of_need": "semh"}), primary=True)
    assert (first.primary, second.primary) == (False, True)


def test_each_step_is_on_the_timeline_and_the_audit_trail(family_case, senco, case_officer):
    """Proposals and withdrawals for professionals; the agreed band for everyone, no money."""
    changed = services.propose(family_case, senco, **GOOD)
    services.decide(changed, case_officer, band=4, reason="Needs an adult most of the day")
    dropped = services.propose(family_case, senco, **(GOOD | {"area_of_need": "semh"}))
    services.withdraw(dropped, case_officer)
    assert _events(family_case) == [
        (
            "funding.band_proposed",
            Visibility.PROFESSIONALS,
            "Band 3 proposed for communication and interaction",
        ),
        (
            "funding.band_agreed",
            Visibility.EVERYONE,
            "Band 4 agreed for communication and interaction",
        ),
        (
            "funding.band_proposed",
            Visibility.PROFESSIONALS,
            "Band 3 proposed for social, emotional and mental health",
        ),
        (
            "funding.band_withdrawn",
            Visibility.PROFESSIONALS,
            "Proposed band 3 withdrawn for social, emotional and mental health",
        ),
    ]
    agreed = db.session.scalar(select(Event).where(Event.action == "funding.band_agreed"))
    assert agreed.detail["reason"] == "Needs an adult most of the day"
    assert agreed.actor_id == case_officer.id
