"""Forms on the case everyone reads: posting an update."""

from __future__ import annotations

from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length

from portal.accounts.models import Role, User
from portal.audit import Visibility
from portal.cases.models import MAX_UPDATE_LENGTH, UPDATE_VISIBILITIES
from portal.forms import BaseForm


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
