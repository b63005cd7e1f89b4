"""Write operations on the case everyone reads: recording who viewed it, and posting updates.

The council's statutory steps are in `portal.casework.steps`.
"""

from __future__ import annotations

from portal import access, audit
from portal.accounts.models import Role, User
from portal.audit import Visibility
from portal.cases.models import (
    MAX_UPDATE_LENGTH,
    UPDATE_VISIBILITIES,
    Case,
    Update,
)
from portal.content.rendering import render_markdown
from portal.extensions import db
from portal.refusals import NotAllowed, Refused


def record_view(actor: User, case: Case, page: str = "case") -> None:
    """Write to the audit trail that this person looked at this case (the council must be able
    to say who has seen a child's records). `page` says which view of it: "case", "documents",
    "people", "manage", "removed documents"."""
    audit.record_read("case.viewed", actor=actor, case=case, subject=case, page=page)
    db.session.commit()


def post_update(
    actor: User, case: Case, body: str, visibility: Visibility | str = Visibility.EVERYONE
) -> Update:
    """Post an update on a case and put it on the timeline.

    Who may: anyone the access policy allows to post updates on this case (a school or
    professional whose grant says so, or the team's case officer). Only professionals may make an
    update "professionals only". Records an `update.posted` event with the update's own visibility,
    so the timeline shows it to exactly the people the update is for.
    """
    if not access.can(actor, access.Action.POST_UPDATES, case):
        raise NotAllowed("This person may not post updates on this case.")
    visibility = Visibility(visibility)
    if visibility not in UPDATE_VISIBILITIES:
        raise Refused("An update is for everyone on the case or for professionals only.")
    if visibility is not Visibility.EVERYONE and not Role(actor.role).is_professional:
        raise Refused("Only professionals can post an update for professionals only.")
    body = body.strip()
    if not body:
        raise Refused("Enter your update")
    if len(body) > MAX_UPDATE_LENGTH:
        raise Refused(f"Your update must be {MAX_UPDATE_LENGTH:,} characters or fewer")

    update = Update(
        case=case,
        author=actor,
        body=body,
        # Rendered once, here: viewing a case never runs Markdown (see content.rendering).
        body_html=str(render_markdown(body)),
        visibility=visibility,
    )
    db.session.add(update)
    db.session.flush()  # the event names the update by its id
    audit.record(
        "update.posted",
        actor=actor,
        case=case,
        subject=update,
        visibility=visibility,
        summary=f"Update from {actor.name}",
    )
    db.session.commit()
    return update
