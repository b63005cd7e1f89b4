"""Demo plan quality audits: two rounds over the demo's issued plans with a spread of grades,
one plan moderated after two auditors disagreed, and one plan re-audited after its case officer
changed it. Some audits in the latest round are left to do, so the auditor has a list."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.extensions import db
from portal.quality import services
from portal.quality.models import Audit, AuditKind, QualityAction
from portal.quality.services import RoundRule

#: Criteria answered "no" for each demo grade (everything else "yes"; H1 and H2 not applicable).
NOT_MET = {
    "Outstanding": set(),
    "Good": {"A3", "A4", "C2", "D2", "E4", "E5", "K1"},
    "Requires improvement": {"A3", "A4", "C2", "D2", "E4", "E5", "K1", "F3"},
    "Inadequate": {"A1", "A2", "A3", "B1", "B2", "B3", "C1", "D1", "E1", "E2", "E3", "F1", "F2"}
    | {"F3", "F4", "G1", "J1", "K1", "K2", "K3"},
}

WORDS = {
    "Outstanding": ("Maya's own words run through the whole plan.", ""),
    "Good": (
        "Needs are clear and every outcome is linked to them.",
        "Ask for new health advice: the last is nearly a year old.",
    ),
    "Requires improvement": (
        "Section A gives a real sense of the young person.",
        "Say how often and for how long each item of help in Section F is given.",
    ),
    "Inadequate": (
        "The views in Section A are recorded.",
        "Rewrite outcomes so that they are about the young person and can be measured; link "
        "each to a need in Section B; quantify every item of help in Section F.",
    ),
}


def _month(day: date) -> str:
    return day.strftime("%B %Y")


def _complete(item: Audit, auditor: User, grade: str, when: str = "now") -> None:
    framework = services.framework_of(item.framework)
    for section in framework.sections:
        answers = {
            c.code: "na"
            if section.letter in ("H1", "H2")
            else "no"
            if c.code in NOT_MET[grade]
            else "yes"
            for c in section.criteria
        }
        services.save_section(auditor, item, section.letter, answers, "")
    strengths, improvements = WORDS[grade]
    services.submit(auditor, item, strengths=strengths, improvements=improvements, when=when)


def load_demo_audits(users: dict[str, User]) -> None:
    lead = users["quality@example.org"]
    auditor = users["auditor@example.org"]
    health = users["health@example.org"]
    by_id = {user.id: user for user in users.values()}
    today = clock.today()
    plans_from = today - timedelta(days=3 * 365)

    # Last month's round: everything audited, one plan twice.
    earlier = services.open_round(
        lead,
        RoundRule(_month(today.replace(day=1) - timedelta(days=1)), plans_from, today, 100, 25),
        [auditor.id, health.id],
        seed=2026,
    )
    services.draw_sample(lead, earlier)
    db.session.flush()
    firsts = _audits(earlier.id, AuditKind.FIRST)
    grades = ["Requires improvement", "Good", "Inadequate", "Outstanding"]
    for item, grade in zip(firsts, grades * len(firsts), strict=False):
        _complete(
            item, by_id[item.auditor_id], grade, when="next_review" if grade == "Good" else "now"
        )
    for item in _audits(earlier.id, AuditKind.SECOND):
        first = next(a for a in firsts if a.sample_id == item.sample_id)
        other = "Good" if first.grade != "Good" else "Requires improvement"
        _complete(item, by_id[item.auditor_id], other)
        services.moderate(
            lead,
            item.sample,
            first.grade or "Good",
            "Read together at the moderation meeting: the outcomes in Section E cannot be "
            "measured as written, which the second audit had missed.",
        )

    # The Requires improvement plan: its officer changed it, and it was audited again.
    action = db.session.scalar(
        select(QualityAction)
        .join(Audit, Audit.id == QualityAction.audit_id)
        .where(Audit.round_id == earlier.id, Audit.grade == "Requires improvement")
    )
    if action is not None and action.officer_id is not None:
        services.complete_action(by_id[action.officer_id], action)
        again = services.start_reaudit(lead, action)
        db.session.flush()
        _complete(again, by_id[again.auditor_id], "Good")

    # This month's round: half done, the rest on the auditors' lists.
    latest = services.open_round(
        lead,
        RoundRule(_month(today), plans_from, today, 100, 0),
        [auditor.id, health.id],
        seed=2027,
    )
    services.draw_sample(lead, latest)
    db.session.flush()
    for item, grade in zip(
        _audits(latest.id, AuditKind.FIRST)[:2], ["Good", "Outstanding"], strict=False
    ):
        _complete(item, by_id[item.auditor_id], grade)
    db.session.commit()


def _audits(round_id: int, kind: AuditKind) -> list[Audit]:
    return list(
        db.session.scalars(
            select(Audit)
            .where(Audit.round_id == round_id, Audit.kind == kind.value)
            .order_by(Audit.id)
        )
    )
