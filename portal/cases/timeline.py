"""The case timeline: what happened on a case, newest first, as the reader may see it.

One query reads a page of events and, for update events, the update itself. Which events a
person sees is decided by `portal.cases.policy.visibilities_for(user, case)` inside that query, so a
"professionals only" update or a council note never reaches someone who may not see it, and
audit events (every view of a case, for example) are never on a timeline at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from markupsafe import Markup
from sqlalchemy import BindParameter, Select, and_, bindparam, or_, select

from portal.accounts.models import User
from portal.audit import Event, Visibility, on_timeline
from portal.cases.models import Case, Update
from portal.cases.policy import visibilities_for
from portal.content.rendering import prose_block
from portal.extensions import db

#: Entries on the case page; older ones are one "Show older entries" link away.
PAGE_SIZE = 20


#: What a restricted entry says (a visibility is a `StrEnum`: its value finds it here too).
_RESTRICTED: dict[str, str] = {
    Visibility.PROFESSIONALS: "Professionals only",
    Visibility.COUNCIL: "Council only",
}


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline: what happened, when, who did it and, for an update, its
    sanitised text. Read as plain columns (no ORM objects): the case page shows a few."""

    id: int
    occurred_at: datetime
    action: str
    summary: str | None
    visibility: str
    actor_name: str | None
    update_html: str | None = None

    @property
    def title(self) -> str:
        return self.summary or self.action.replace(".", " ").capitalize()

    @property
    def body(self) -> Markup | None:
        """The update's text as safe HTML, rendered by the one Markdown renderer when posted."""
        return prose_block(self.update_html) if self.update_html is not None else None

    @property
    def restricted_to(self) -> str | None:
        """Words for a restricted entry ("Professionals only"), shown to those who may see it."""
        return _RESTRICTED.get(self.visibility)


@dataclass(frozen=True)
class TimelinePage:
    """A page of entries, newest first; `older_than` is the cursor for the next page, if any."""

    entries: list[TimelineEntry]
    older_than: int | None


@cache
def _timeline_query(limit: int, after_cursor: bool) -> Select:
    """The page's statement, built once for each page size (see `portal/extensions.py`)."""
    visibilities: BindParameter[str] = bindparam("visibilities", expanding=True)
    query = (
        select(
            Event.id,
            Event.occurred_at,
            Event.action,
            Event.summary,
            Event.visibility,
            Event.subject_type,
            User.name.label("actor_name"),
            Update.id.label("update_id"),
            Update.body_html,
        )
        .outerjoin(User, User.id == Event.actor_id)
        .outerjoin(
            Update,
            and_(
                Event.subject_type == Update.__name__,
                Update.id == Event.subject_id,
                # The update's own visibility is checked too: a mismatch can only hide it.
                Update.visibility.in_(visibilities),
            ),
        )
        .where(
            Event.case_id == bindparam("case_id"),
            Event.visibility.in_(visibilities),
            on_timeline(),  # served by the timeline's own index, which holds no audit rows
        )
        .order_by(Event.occurred_at.desc(), Event.id.desc())
        .limit(limit + 1)  # one more than shown tells us whether there are older entries
    )
    if after_cursor:
        before: BindParameter[int] = bindparam("before")
        cursor_at = (
            select(Event.occurred_at)
            .where(Event.id == before, Event.case_id == bindparam("case_id"))
            .scalar_subquery()
        )
        query = query.where(
            or_(
                Event.occurred_at < cursor_at,
                and_(Event.occurred_at == cursor_at, Event.id < before),
            )
        )
    return query


def timeline_for(
    user: User, case: Case, *, before: int | None = None, limit: int = PAGE_SIZE
) -> TimelinePage:
    """The entries of `case` that `user` may see, newest first, in one query.

    `before` is the id of the last entry already shown: the page then starts with the entry
    after it. The caller must already know the person may view the case.
    """
    params = {
        "case_id": case.id,
        "visibilities": visibilities_for(user, case),
        "before": before,
    }
    rows = db.session.execute(_timeline_query(limit, before is not None), params).all()
    entries = [
        TimelineEntry(
            row.id,
            row.occurred_at,
            row.action,
            row.summary,
            row.visibility,
            row.actor_name,
            row.body_html,
        )
        for row in rows[:limit]
        # An update event whose update is hidden is not shown with an empty body.
        if row.subject_type != Update.__name__ or row.update_id is not None
    ]
    older_than = rows[limit - 1].id if len(rows) > limit else None
    return TimelinePage(entries, older_than)
