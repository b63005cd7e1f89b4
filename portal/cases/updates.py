"""Short updates on a case, posted by the school, professionals or the case officer.

An update is Markdown written by a person, so it is only ever shown through the one sanitising
renderer (`portal.content.rendering.render_markdown`), run once when it is posted. Each update is
for everyone on the case or for professionals only; "professionals only" never reaches a family,
because the timeline only shows what `access.visibilities_for` allows (see
`portal/cases/timeline.py`).

The model, its form and its one write operation live together here: they are small, and the
shared `models.py` and `services.py` belong to the case-actions work.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length

from portal import access, audit
from portal.accounts.models import Role, User
from portal.cases.models import Case, Visibility
from portal.clock import utcnow
from portal.content.rendering import render_markdown
from portal.extensions import db
from portal.forms import BaseForm

#: An update is short: a few sentences, not a report (reports are documents).
MAX_UPDATE_LENGTH = 2000

#: The only visibilities an update may have.
UPDATE_VISIBILITIES = (Visibility.EVERYONE, Visibility.PROFESSIONALS)


class Update(db.Model):
    """A short update on a case. Never edited or deleted: the timeline is a record."""

    # Not "update": that is an SQL keyword.
    __tablename__ = "case_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    #: `body` through the one Markdown renderer, made once when the update is posted: a case page
    #: never renders Markdown, however many (or however hostile) its updates are.
    body_html: Mapped[str] = mapped_column(Text)
    visibility: Mapped[Visibility] = mapped_column(String(20), default=Visibility.EVERYONE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()
    author: Mapped[User] = relationship(lazy="joined")


class UpdateForm(BaseForm):
    """Post an update. Families (if ever allowed to post) get no choice of who sees it."""

    body = TextAreaField(
        "Your update",
        validators=[
            DataRequired(message="Enter your update"),
            Length(
                max=MAX_UPDATE_LENGTH,
                message=f"Your update must be {MAX_UPDATE_LENGTH:,} characters or fewer",
            ),
        ],
        description="Keep it short. Put **two stars** around words to make them bold.",
        id="update-body",  # the case page holds other sections' forms: keep ids apart
    )
    visibility = RadioField(
        "Who can see this update",
        choices=[
            SelectChoice(Visibility.EVERYONE.value, "Everyone on the case, including the family"),
            SelectChoice(Visibility.PROFESSIONALS.value, "Professionals and the council only"),
        ],
        default=Visibility.EVERYONE.value,
        # Checked by AnyOf instead of WTForms' own "Not a valid choice.", to name the thing.
        validate_choice=False,
        validators=[
            DataRequired(message="Select who can see this update"),
            AnyOf([v.value for v in UPDATE_VISIBILITIES], message="Select who can see this update"),
        ],
        id="update-visibility",
    )

    def __init__(self, *args, poster: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if poster is not None and not Role(poster.role).is_professional:
            # A family member's words are for everyone on the case: no choice to offer.
            del self.visibility


class UpdateRefused(ValueError):
    """The update cannot be posted; `reason` is a sentence for a person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
        raise PermissionError("This person may not post updates on this case.")
    visibility = Visibility(visibility)
    if visibility not in UPDATE_VISIBILITIES:
        raise UpdateRefused("An update is for everyone on the case or for professionals only.")
    if visibility is not Visibility.EVERYONE and not Role(actor.role).is_professional:
        raise UpdateRefused("Only professionals can post an update for professionals only.")
    body = body.strip()
    if not body:
        raise UpdateRefused("Enter your update")
    if len(body) > MAX_UPDATE_LENGTH:
        raise UpdateRefused(f"Your update must be {MAX_UPDATE_LENGTH:,} characters or fewer")

    update = Update(
        case=case,
        author=actor,
        body=body,
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
