"""What banded funding may read of a plan: Section B needs and Section F provision, as plain
values, from the newest version the person may read. Installed by `portal.wiring`; the funding
package never imports this package."""

from __future__ import annotations

from typing import Any

from portal.cases.models import Case
from portal.plans import services
from portal.plans.models import Section


def plan_items(case: Case, user: Any) -> dict | None:
    """{"version": label, "items": [{"key", "section", "areas", "text"}]} or None (a fixed
    number of queries: the newest version, then its contents)."""
    newest = services.newest_readable_version(user, case)
    if newest is None:
        return None
    contents = services.contents(newest)
    items = [
        {
            "key": f"B-{need.id}",
            "section": "B",
            "areas": [need.area] if need.area else [],
            "text": need.text,
        }
        for need in contents.needs.get(Section.B, [])
        if not need.is_strength
    ]
    for item in contents.provision.get(Section.F, []):
        words = item.what
        details = ", ".join(part for part in (item.who, item.how_often, item.how_long) if part)
        items.append(
            {
                "key": f"F-{item.id}",
                "section": "F",
                # The areas of the needs it meets, directly or through its outcomes (loaded
                # with the contents: no further query).
                "areas": sorted(
                    {n.area for n in item.needs if n.area}
                    | {n.area for o in item.outcomes for n in o.needs if n.area}
                ),
                "text": f"{words} ({details})" if details else words,
            }
        )
    return {"version": newest.label, "items": items}
