"""Demo bandings: agreed bands for the demo plans that have been issued (some proposed by the
school, one changed by the panel with a reason), and proposals from the schools waiting for the
council to agree them: on a draft plan, and at annual reviews (a change at review starts a new
banding from the next financial year)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.cases.models import Case, Child
from portal.extensions import db
from portal.funding import services
from portal.funding.money import FinancialYear

# first name: (proposer, [(area, proposed band, agreed band or None, setting, primary, reason)])
Band = tuple[str, int, int | None, str, bool, str]
DEMO_BANDINGS: dict[str, tuple[str, list[Band]]] = {
    "Oliver": (
        "senco@example.org",
        [
            ("communication", 3, 3, "mainstream", True, ""),
            ("semh", 2, 2, "mainstream", False, ""),
        ],
    ),
    "Zara": (
        "senco@example.org",
        [
            (
                "cognition",
                3,
                4,
                "mainstream",
                True,
                "The reports show Zara needs an adult for most of the day, which is band 4.",
            ),
        ],
    ),
    "Jordan": (
        "officer@example.org",
        [("sensory_physical", 5, 5, "special_school", True, "")],
    ),
    "Ethan": (
        "officer@example.org",
        [("semh", 4, 4, "resourced_provision", True, "")],
    ),
    "Maya": (
        "senco@example.org",
        [("communication", 2, None, "mainstream", True, "")],
    ),
}

# Proposals from the schools still waiting for the council:
# (first name, proposer, area, band, setting, primary, starts next financial year?)
DEMO_WAITING: list[tuple[str, str, str, int, str, bool, bool]] = [
    ("Maya", "senco@example.org", "cognition", 2, "mainstream", False, False),
    ("Zara", "senco@example.org", "semh", 2, "mainstream", False, False),
    ("Jordan", "senco2@example.org", "sensory_physical", 6, "special_school", True, True),
]

STATEMENTS = {
    1: "Needs some help in class; catches up with a little extra support.",
    2: "Needs a small group most days and a plan checked at least twice.",
    3: "Needs an adult nearby for part of each day.",
    4: "Needs an adult for most of the day and a changed way of learning.",
    5: "Needs small classes with trained staff and therapy each week.",
    6: "Needs a highly planned day, sometimes with two adults.",
}


def load_demo_bandings(users: dict[str, User]) -> None:
    officer = users["officer@example.org"]
    year = FinancialYear.containing(clock.today())
    for first_name, (proposer_email, bands) in DEMO_BANDINGS.items():
        case = db.session.execute(
            select(Case).join(Child).where(Child.first_name == first_name)
        ).scalar_one()
        for index, (area, proposed, agreed, setting, primary, reason) in enumerate(bands):
            banding = services.propose(
                case,
                users[proposer_email],
                area_of_need=area,
                band=proposed,
                setting_type=setting,
                effective=year.first_day + timedelta(days=30 * index + 152),
                statements=STATEMENTS[proposed],
                evidence="Section B: the needs in this area. Section F: the help that meets them.",
                primary=primary,
            )
            if agreed is not None:
                services.decide(banding, officer, band=agreed, reason=reason)
    for first_name, proposer_email, area, band, setting, primary, next_year in DEMO_WAITING:
        case = db.session.execute(
            select(Case).join(Child).where(Child.first_name == first_name)
        ).scalar_one()
        services.propose(
            case,
            users[proposer_email],
            area_of_need=area,
            band=band,
            setting_type=setting,
            effective=year.next().first_day if next_year else clock.today(),
            statements=STATEMENTS[band],
            evidence="Section B: the needs in this area. Section F: the help that meets them.",
            primary=primary,
        )
    db.session.commit()
