"""Forms for finding, adding, inviting and changing people on a case."""

from __future__ import annotations

from wtforms import (
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, ValidationError

from portal.accounts.models import Organisation
from portal.forms import BaseForm, MultiCheckboxField
from portal.people.services import RELATIONSHIPS, Permissions

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


class ConfirmForm(BaseForm):
    """A confirmation button: only the CSRF token travels with it."""


class FindPersonForm(BaseForm):
    """Step 1 of adding someone. Posted, with a CSRF token, never sent with GET: an email address
    in a URL ends up in browser history, server logs and Referer headers, and a forged request
    could learn whether someone has an account."""

    STEP = "find"

    # Tells step 1 from step 2, which posts to the same address.
    step = HiddenField(default=STEP)
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter their email address"),
            Email(EMAIL_FORMAT),
            Length(max=320),
        ],
        description="We will check whether they already have an account.",
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )


class GrantForm(BaseForm):
    """How the person relates to the child, and what they may do on the case."""

    relationship = RadioField(
        "How are they involved with the child?",
        choices=[SelectChoice(r.value, r.label) for r in RELATIONSHIPS],
        validate_choice=False,
    )
    permissions = MultiCheckboxField(
        "What can they do?",
        choices=[
            SelectChoice("view_documents", "See documents"),
            SelectChoice("add_documents", "Add documents"),
            SelectChoice("post_updates", "Post updates on the case"),
        ],
        description="Everyone you add can see the case: where it is and what happens next.",
        default=lambda: ["view_documents"],
    )

    def validate_relationship(self, field) -> None:
        if field.data not in {r.value for r in RELATIONSHIPS}:
            raise ValidationError("Choose how they are involved with the child")

    def validate_permissions(self, field) -> None:
        chosen = set(field.data or [])
        if "add_documents" in chosen and "view_documents" not in chosen:
            raise ValidationError("To add documents they must also be able to see documents")

    @property
    def chosen_permissions(self) -> Permissions:
        chosen = set(self.permissions.data or [])
        return Permissions(
            view_documents="view_documents" in chosen,
            add_documents="add_documents" in chosen,
            post_updates="post_updates" in chosen,
        )

    @staticmethod
    def data_for(grant) -> dict:
        """Starting values from an existing grant (the change page)."""
        permissions = Permissions.of(grant)
        return {
            "relationship": str(grant.relationship_to_child),
            "permissions": [
                name
                for name, on in (
                    ("view_documents", permissions.view_documents),
                    ("add_documents", permissions.add_documents),
                    ("post_updates", permissions.post_updates),
                )
                if on
            ],
        }


class AddPersonForm(GrantForm):
    """Add someone who has an account. The email travels in a hidden field."""

    email = HiddenField(validators=[DataRequired(), Email(EMAIL_FORMAT)])


class InvitePersonForm(AddPersonForm):
    """Invite someone who has no account yet."""

    name = StringField(
        "Full name",
        validators=[
            DataRequired("Enter their full name"),
            Length(max=200, message="The name must be 200 characters or fewer"),
        ],
    )
    organisation = SelectField(
        "Where do they work?",
        coerce=int,
        validate_choice=False,
        description="Leave this as ‘Not a professional’ for a parent, carer or young person.",
    )

    def __init__(self, *args, organisations: list[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice("0", "Not a professional")] + [
            SelectChoice(str(org.id), org.name) for org in organisations
        ]
        self._organisations = {org.id: org for org in organisations}

    @property
    def chosen_organisation(self) -> Organisation | None:
        return self._organisations.get(self.organisation.data or 0)

    def validate_organisation(self, field) -> None:
        if field.data and field.data not in self._organisations:
            raise ValidationError("Choose an organisation from the list")
        if self.relationship.data not in {r.value for r in RELATIONSHIPS}:
            return  # the relationship's own error says what to do first
        family = self.relationship.data in {"young_person", "parent_carer"}
        if not family and not field.data:
            raise ValidationError("Choose where they work")
        if family and field.data:
            raise ValidationError("Family members do not work for an organisation here")
