"""`flask bench-data N`: grow the demo council to N cases, for the benchmark (`make bench`).

The proportions follow the issue's description of a real council at 10,000 cases: about
3 advice requests and 2.5 reviews a case, 30 timeline and audit events and 10 documents a case,
most cases with a plan in force or under review. The facts of each case fit its stage (an
assessment has its decision letter and advice requests; a plan has its draft and final dates),
so every page and deadline is worked out as it would be for real data.

Rows go in with multi-row INSERTs (SQLAlchemy's "insertmanyvalues"), not one ORM object each:
10,000 cases take a minute or two on SQLite or PostgreSQL. Run it on a database holding the demo
(`flask demo`); it never runs in production.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text

from portal import audit, clock
from portal.accounts.models import Organisation, Role, User
from portal.audit import Event, Visibility
from portal.cases import schedule
from portal.cases.models import (
    AdviceRequest,
    Case,
    CaseGrant,
    CaseMilestones,
    Child,
    Relationship,
    Review,
)
from portal.documents.models import Document, DocumentVersion, ScanStatus
from portal.extensions import db

FIRST_NAMES = ["Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Leo", "Freya", "Jack"]
LAST_NAMES = ["Smith", "Jones", "Khan", "Brown", "Patel", "Wilson", "Evans", "Okoye", "Murphy"]

#: Share of cases at each stage (adds up to 1).
STAGE_SHARES = [
    ("request", 0.08),
    ("assessment", 0.17),
    ("decision", 0.04),
    ("draft", 0.03),
    ("final", 0.18),
    ("review", 0.40),
    ("ceased", 0.04),
    ("not_assessing", 0.04),
    ("not_issuing", 0.02),
]
#: Share of cases shared with the demo SENCO's school (about 400 of 10,000).
SENCO_SHARE = 0.04
EVENTS_PER_CASE = 30
DOCUMENTS_PER_CASE = 10
BATCH = 2_000


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows through the table (one executemany per batch). Rows that leave a column out
    get None for it, so every row of a batch has the same keys."""
    count = 0
    for batch in _batches(rows):
        keys = {key for row in batch for key in row}
        batch = [{key: row.get(key) for key in keys} for row in batch]
        db.session.execute(insert(model.__table__), batch)
        count += len(batch)
    return count


def _insert_returning_ids(model, rows: list[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    for batch in _batches(rows):
        ids += db.session.scalars(
            insert(model).returning(model.id, sort_by_parameter_order=True), batch
        ).all()
    return ids


def _case_story(stage: str, rng: random.Random, today: date) -> dict[str, Any]:
    """Dates for one case at ``stage``: when the request came, and its milestones."""
    weeks = {
        "request": rng.randint(0, 7),
        "assessment": rng.randint(6, 15),
        "decision": rng.randint(12, 17),
        "draft": rng.randint(14, 19),
        "final": rng.randint(20, 60),
        "review": rng.randint(60, 400),
        "ceased": rng.randint(110, 500),
        "not_assessing": rng.randint(6, 40),
        "not_issuing": rng.randint(16, 60),
    }[stage]
    received = today - timedelta(weeks=weeks, days=rng.randint(0, 6))

    def week(n: float) -> date:
        return min(today, received + timedelta(days=round(7 * n) + rng.randint(0, 4)))

    milestones: dict[str, Any] = {}
    if stage != "request":
        milestones["assessment_decided_on"] = week(rng.uniform(4, 6.5))
        milestones["assessment_outcome"] = "no" if stage == "not_assessing" else "yes"
    if stage in {"decision", "draft", "final", "review", "ceased", "not_issuing"}:
        milestones["assessment_finished_on"] = week(rng.uniform(11, 13))
    if stage == "not_issuing":
        milestones["not_issuing_notified_on"] = week(rng.uniform(14, 16))
    if stage in {"draft", "final", "review", "ceased"}:
        milestones["draft_sent_on"] = week(rng.uniform(13, 16))
    if stage in {"final", "review", "ceased"}:
        milestones["family_comments_on"] = week(rng.uniform(15, 17))
        milestones["final_issued_on"] = week(rng.uniform(18, 22))
    if stage == "ceased":
        milestones["ceased_on"] = week(weeks - 2)
    return {"received": received, "weeks": weeks, "milestones": milestones}


def grow_demo(target: int, *, seed: int = 16) -> dict[str, int]:
    """Add cases (with their facts, events and documents) until the council holds ``target``."""
    rng = random.Random(seed)
    today = clock.today()
    existing = db.session.scalar(select(func.count()).select_from(Case)) or 0
    count = max(0, target - existing)
    if not count:
        return {"cases": 0}
    users = {u.email: u for u in db.session.scalars(select(User))}
    try:
        officers = [users["officer@example.org"], users["officer2@example.org"]]
        senco, psychologist = users["senco@example.org"], users["psychologist@example.org"]
    except KeyError as missing:
        raise click.ClickException("Load the demo first: flask demo") from missing
    team_id = officers[0].organisation_id
    school_ids = list(db.session.scalars(select(Organisation.id)))
    stages = rng.choices(
        [s for s, _ in STAGE_SHARES], weights=[w for _, w in STAGE_SHARES], k=count
    )
    stories = [_case_story(stage, rng, today) for stage in stages]

    child_ids = _insert_returning_ids(
        Child,
        [
            {
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": f"{rng.choice(LAST_NAMES)}-{existing + n}",
                "date_of_birth": today - timedelta(days=rng.randint(3 * 365, 19 * 365)),
                "school_id": senco.organisation_id
                if n % round(1 / SENCO_SHARE) == 0
                else rng.choice(school_ids),
                "created_at": datetime.combine(story["received"], time(9)),
            }
            for n, story in enumerate(stories)
        ],
    )
    case_ids = _insert_returning_ids(
        Case,
        [
            {
                "public_id": f"bench{existing + n:011d}",
                "reference": f"EHC-{story['received'].year}-B{existing + n:06d}",
                "child_id": child_id,
                "team_id": team_id,
                "case_officer_id": officers[n % 2].id,
                "request_received_on": story["received"],
                "requested_by": "parent",
                "stage": stage,
                "created_at": datetime.combine(story["received"], time(9)),
            }
            for n, (child_id, stage, story) in enumerate(
                zip(child_ids, stages, stories, strict=True)
            )
        ],
    )
    cases = list(zip(case_ids, stages, stories, strict=True))
    senco_cases = [case_id for n, case_id in enumerate(case_ids) if n % round(1 / SENCO_SHARE) == 0]
    _insert(
        CaseGrant,
        (
            {
                "public_id": f"bg{case_id:014d}",
                "case_id": case_id,
                "user_id": senco.id,
                "relationship_to_child": Relationship.SCHOOL.value,
                "can_add_documents": True,
                "can_post_updates": True,
                "granted_by_id": officers[0].id,
            }
            for case_id in senco_cases
        ),
    )
    # Each case's family: a parent's account holding a grant, as a council's portal would have
    # (without them the people table stays at the demo's 14 and hides any page that reads
    # every account). They cannot sign in: no password.
    parent_ids = _insert_returning_ids(
        User,
        [
            {
                "email": f"bench.parent.{existing + n}@example.org",
                "name": f"Parent {existing + n}",
                "role": Role.PARENT.value,
                "password_hash": None,
            }
            for n in range(count)
        ],
    )
    _insert(
        CaseGrant,
        (
            {
                "public_id": f"bp{case_id:014d}",
                "case_id": case_id,
                "user_id": parent_id,
                "relationship_to_child": Relationship.PARENT_CARER.value,
                "granted_by_id": officers[n % 2].id,
            }
            for n, (case_id, parent_id) in enumerate(zip(case_ids, parent_ids, strict=True))
        ),
    )
    _insert(
        CaseMilestones,
        ({"case_id": case_id, **story["milestones"]} for case_id, _, story in cases),
    )

    def advice_rows() -> Iterator[dict[str, Any]]:
        for case_id, stage, story in cases:
            decided = story["milestones"].get("assessment_decided_on")
            if decided is None or stage == "not_assessing":
                continue
            for k, kind in enumerate(("educational", "psychological", "health")):
                sent = decided + timedelta(days=k)
                late = stage == "assessment" and rng.random() < 0.5
                received = (
                    None
                    if late or sent + timedelta(weeks=5) > today
                    else min(today, sent + timedelta(days=rng.randint(20, 45)))
                )
                yield {
                    "public_id": f"ba{case_id:011d}{k}",
                    "case_id": case_id,
                    "kind": kind,
                    "adviser_id": psychologist.id if kind == "psychological" else None,
                    "service_name": None if kind == "psychological" else "Northfield service",
                    "sent_on": sent,
                    "received_on": received,
                }

    advice = _insert(AdviceRequest, advice_rows())

    def review_rows() -> Iterator[dict[str, Any]]:
        for case_id, stage, story in cases:
            final = story["milestones"].get("final_issued_on")
            if final is None or stage not in {"review", "ceased", "final"}:
                continue
            meeting = final + timedelta(weeks=rng.randint(40, 50))
            n = 0
            while meeting <= today + timedelta(weeks=8):
                held = meeting < today
                yield {
                    "public_id": f"br{case_id:011d}{n:02d}",
                    "case_id": case_id,
                    "meeting_on": meeting,
                    "invitations_sent_on": meeting - timedelta(weeks=3) if held else None,
                    "report_sent_on": meeting + timedelta(days=10)
                    if held and meeting + timedelta(days=10) < today
                    else None,
                    "decision": "keep" if held and meeting + timedelta(weeks=3) < today else None,
                    "decided_on": meeting + timedelta(weeks=3)
                    if held and meeting + timedelta(weeks=3) < today
                    else None,
                }
                n += 1
                meeting += timedelta(weeks=rng.randint(48, 52))

    reviews = _insert(Review, review_rows())

    actions = [
        ("case.viewed", Visibility.AUDIT, None),
        ("case.viewed", Visibility.AUDIT, None),
        ("document.downloaded", Visibility.AUDIT, None),
        ("case.updated", Visibility.EVERYONE, "The case officer updated the case."),
        ("advice.requested", Visibility.PROFESSIONALS, "Advice was asked for."),
        ("case.noted", Visibility.COUNCIL, "A note for the council."),
    ]

    def event_rows() -> Iterator[dict[str, Any]]:
        for case_id, _stage, story in cases:
            start = datetime.combine(story["received"], time(9))
            span = max(1, (today - story["received"]).days)
            for _ in range(EVENTS_PER_CASE):
                action, visibility, summary = rng.choice(actions)
                yield {
                    "occurred_at": start + timedelta(days=rng.randint(0, span), minutes=17),
                    "actor_id": officers[0].id,
                    "action": action,
                    "case_id": case_id,
                    "visibility": visibility.value,
                    "summary": summary,
                    "detail": {},
                }

    events = _insert(Event, event_rows())

    document_rows = [
        {
            "public_id": f"bd{case_id:011d}{k:02d}",
            "case_id": case_id,
            "title": f"Report {k + 1}",
            "category": "advice_other",
            "restriction": "everyone",
            "created_by_id": officers[0].id,
            "created_at": datetime.combine(story["received"], time(11)) + timedelta(days=k),
        }
        for case_id, _stage, story in cases
        for k in range(DOCUMENTS_PER_CASE)
    ]
    document_ids = _insert_returning_ids(Document, document_rows)
    _insert(
        DocumentVersion,
        (
            {
                "public_id": f"bv{document_id:014d}",
                "document_id": document_id,
                "number": 1,
                "storage_key": f"bench-{document_id:014d}",
                "original_filename": "report.pdf",
                "kind": "pdf",
                "mime_type": "application/pdf",
                "size": 120_000,
                "sha256": "0" * 64,
                "uploaded_by_id": officers[0].id,
                "uploaded_at": row["created_at"],
                "scan_status": ScanStatus.CLEAN.value,
            }
            for document_id, row in zip(document_ids, document_rows, strict=True)
        ),
    )
    db.session.commit()
    audit.seal_unchained()  # the bulk-inserted events join the end of the audit chain
    schedule.fill_missing()  # bulk SQL passes the session's hook: store their deadlines now
    if db.engine.dialect.name == "postgresql":
        # What autovacuum would have done on a live server (it may be off on a benchmark
        # machine): planner statistics (without them it guesses 15 cases in a team) and the
        # visibility map (without it a count reads every row instead of the index alone).
        # VACUUM cannot run inside a transaction, so on a connection of its own.
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return {
        "cases": count,
        "advice requests": advice,
        "reviews": reviews,
        "events": events,
        "documents": len(document_ids),
        "shared with the demo school": len(senco_cases),
        "parents' accounts": len(parent_ids),
    }


@click.command("bench-data")
@click.argument("cases", type=click.IntRange(min=1))
@with_appcontext
def bench_data_command(cases: int) -> None:
    """Grow the demo to CASES cases (with facts, events and documents) for benchmarks."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("Benchmark data is never loaded in production.")
    added = grow_demo(cases)
    click.echo("Added: " + ", ".join(f"{n:,} {what}" for what, n in added.items()))
