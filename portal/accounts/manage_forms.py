"""Forms for changing your password and for an administrator's account controls."""

from __future__ import annotations

from wtforms import PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from portal.accounts.models import Role
from portal.accounts.passwords import MAX_LENGTH
from portal.forms import BaseForm


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Your current password",
        validators=[InputRequired("Enter your current password")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "Choose a new password",
        description=(
            "Use at least 12 characters. A good way is to put 3 or 4 random words together."
        ),
        validators=[InputRequired("Enter a new password")],
        render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH},
    )
    confirm_password = PasswordField(
        "Type the new password again",
        validators=[InputRequired("Type your new password again")],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_confirm_password(self, field) -> None:
        if self.new_password.data and field.data != self.new_password.data:
            raise ValidationError("The passwords do not match")


class ConfirmForm(BaseForm):
    """A button that only needs its CSRF token (switch off, switch on, end sessions...)."""


class ChangeRoleForm(BaseForm):
    role = SelectField(
        "New role",
        choices=[SelectChoice(role.value, role.label) for role in Role],
        validators=[InputRequired("Choose a role")],
    )
