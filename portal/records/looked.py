""" "Who has looked at this case": the reads of a case's records, for the family and the council.

Every view of a case and every download is in the audit trail (`portal.audit`). This page turns
those entries into plain sentences: who (council staff by name and role; people on the case by
how they relate to the child), what they looked at, and when, newest first, a page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import literal_column, select

from portal.accounts.models import Role, User
from portal.audit import Event
from portal.cases.models import Case, CaseGrant
from portal.cases.policy import is_team_case_officer, may_see_visibility
from portal.extensions import db

PAGE_SIZE = 25

#: The audit entries that are someone reading the case's records.
READ_ACTIONS = (
    "case.viewed",
    "document.downloaded",
    "documents.zip_downloaded",
    "plan.viewed",
    "plan.downloaded",
    "messages.viewed",
    "case.subject_access_exported",
)

_PAGES = {
    "case": "Looked at the case",
    "documents": "Looked at the list of documents",
    "people": "Looked at who is involved",
    "manage": "Looked at the council's page for running the case",
    "removed documents": "Looked at the documents that were taken off the case",
    "who has looked": "Looked at who has looked at the case",
    "bands": "Looked at the funding bands",
}


def may_see_who_looked(user: Any, case: Case) -> bool:
    """The child's family (the parent or carer, the young person) on their own case, and the
    council's case officers for the case, may see who has looked at it. Nobody else may."""
    if is_team_case_officer(user, case):
        return True
    return Role(user.role).is_family and may_see_visibility(user, case, "everyone")


@dataclass(frozen=True)
class Look:
    when: datetime
    who: str
    role: str
    what: str


@dataclass(frozen=True)
class LooksPage:
    looks: list[Look]
    older_than: int | None  # the `before` value of the next page, if there is one


def _who(actor: User | None, grant: CaseGrant | None, reader: User) -> tuple[str, str]:
    if actor is None:
        return "Someone no longer on the portal", ""
    if actor.id == reader.id:
        return "You", Role(actor.role).label
    role = Role(actor.role)
    if role.is_family:
        # Families are named by how they relate to the child, not by name.
        relation = grant.relationship_enum.label if grant else role.label
        return relation, role.label
    where = actor.organisation.name if actor.organisation else ""
    return actor.name, ", ".join(part for part in (role.label, where) if part)


def _document_titles(case: Case, reader: User, public_ids: set[str]) -> dict[str, str]:
    """Titles of the downloaded documents this reader may see (a document restricted to
    professionals is not named to a family). One query, through the table: features do not
    import each other."""
    if not public_ids:
        return {}
    table = db.metadata.tables["document"]
    rows = db.session.execute(
        select(table.c.public_id, table.c.title, table.c.restriction).where(
            table.c.case_id == case.id, table.c.public_id.in_(public_ids)
        )
    ).all()
    return {
        row.public_id: row.title
        for row in rows
        if may_see_visibility(reader, case, row.restriction)
    }


def _what(event: Any, titles: dict[str, str]) -> str:
    detail = event.detail or {}
    if event.action == "case.viewed":
        return _PAGES.get(detail.get("page", "case"), "Looked at the case")
    if event.action == "document.downloaded":
        title = titles.get(detail.get("document", ""))
        return f"Downloaded the document “{title}”" if title else "Downloaded a document"
    if event.action == "documents.zip_downloaded":
        return "Downloaded all the documents as one zip file"
    if event.action == "plan.viewed":
        return "Read the plan"
    if event.action == "plan.downloaded":
        return "Downloaded the plan"
    if event.action == "case.subject_access_exported":
        return "Downloaded everything held about the child (a subject access request)"
    return "Read the messages on the case"


def looks_at(case: Case, reader: User, before: int | None = None) -> LooksPage:
    """A page of the reads of `case`, newest first, older than the entry `before` (keyset
    paging on the event id: three queries a page, however often the case has been read)."""
    query = (
        select(Event)
        .where(
            Event.case_id == case.id,
            Event.visibility == literal_column("'audit'"),
            Event.action.in_(READ_ACTIONS),
        )
        .order_by(Event.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if before is not None:
        query = query.where(Event.id < before)
    events = list(db.session.scalars(query))
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    grants: dict[int, CaseGrant] = {}
    if actor_ids:
        # Their latest grant on this case says how they relate to the child.
        for grant in db.session.scalars(
            select(CaseGrant)
            .where(CaseGrant.case_id == case.id, CaseGrant.user_id.in_(actor_ids))
            .order_by(CaseGrant.granted_at)
        ):
            grants[grant.user_id] = grant
    titles = _document_titles(
        case,
        reader,
        {
            e.detail["document"]
            for e in events
            if e.action == "document.downloaded" and (e.detail or {}).get("document")
        },
    )
    looks = []
    for event in events:
        who, role = _who(event.actor, grants.get(event.actor_id or 0), reader)
        looks.append(Look(event.occurred_at, who, role, _what(event, titles)))
    return LooksPage(looks, events[-1].id if more else None)
