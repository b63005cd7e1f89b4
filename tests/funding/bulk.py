"""Many banded plans at once (for the query-count tests and scripts/measure_funding_pages.py).

Inserts children, cases and bandings with one multi-row INSERT per table per batch, so 10,000
plans take seconds, not minutes. Two in three plans change band part way through the year, one
in five has a proposal waiting, and the plans are spread over the schools given.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import count

from sqlalchemy import insert, select

from portal.cases.models import Case, Child
from portal.extensions import db
from portal.funding.models import Banding

AREAS = ("communication", "cognition", "semh", "sensory_physical")
SETTINGS = ("mainstream", "resourced_provision", "special_school", "post_16")
_batch = count(1)


def add_banded_plans(
    how_many: int,
    *,
    team_id: int,
    school_ids: Sequence[int],
    officer_id: int,
    first_day: date,
    batch_size: int = 1_000,
) -> None:
    """Add `how_many` plans with agreed bands (and some proposals) to council `team_id`."""
    done = 0
    while done < how_many:
        size = min(batch_size, how_many - done)
        tag = f"{next(_batch)}{secrets.token_hex(3)}"
        children = [
            {
                "first_name": f"Pupil{done + i}",
                "last_name": f"Bulk{tag}{i:05d}",
                "date_of_birth": date(2015, 1, 1),
                "school_id": school_ids[(done + i) % len(school_ids)],
            }
            for i in range(size)
        ]
        db.session.execute(insert(Child), children)
        child_ids = list(
            db.session.scalars(
                select(Child.id).where(Child.last_name.like(f"Bulk{tag}%")).order_by(Child.id)
            )
        )
        db.session.execute(
            insert(Case),
            [
                {
                    "public_id": secrets.token_urlsafe(12),
                    "reference": f"B{tag}-{i:05d}",
                    "child_id": child_id,
                    "team_id": team_id,
                    "case_officer_id": officer_id,
                    "request_received_on": first_day - timedelta(days=200),
                    "stage": "review",
                }
                for i, child_id in enumerate(child_ids)
            ],
        )
        case_ids = list(
            db.session.scalars(
                select(Case.id).where(Case.reference.like(f"B{tag}-%")).order_by(Case.id)
            )
        )
        bandings = []
        for i, case_id in enumerate(case_ids):
            n = done + i
            changes = 2 if n % 3 else 1
            for k in range(changes):
                band = 1 + (n + k) % 6
                bandings.append(
                    _banding(
                        case_id,
                        n,
                        band,
                        band,
                        "agreed",
                        first_day + timedelta(100 * k + n % 90),
                        officer_id,
                    )
                )
            if n % 5 == 0:
                band = 1 + (n + 3) % 6
                bandings.append(
                    _banding(
                        case_id, n, band, None, "proposed", first_day + timedelta(250), officer_id
                    )
                )
        db.session.execute(insert(Banding), bandings)
        done += size
    db.session.commit()


def _banding(
    case_id: int, n: int, proposed: int, agreed: int | None, status: str, effective: date, by: int
) -> dict:
    return {
        "case_id": case_id,
        "area_of_need": AREAS[n % 4],
        "primary": True,
        "setting_type": SETTINGS[(n // 4) % 4],
        "proposed_band": proposed,
        "agreed_band": agreed,
        "status": status,
        "effective": effective,
        "proposed_by_id": by,
        "decided_by_id": by if agreed else None,
        "statements": "x",
        "evidence": "y",
        "moderation_reason": "",
    }
