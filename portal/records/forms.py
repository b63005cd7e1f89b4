"""The audit search form."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import Email, Length, Optional, ValidationError

from portal.forms import BaseForm, GovDateField


class AuditSearchForm(BaseForm):
    case_reference = StringField("Case reference", validators=[Optional(), Length(max=40)])
    person = StringField(
        "Email address of the person who did it",
        validators=[Optional(), Email(message="Enter an email address like name@example.org")],
    )
    action = StringField("Action", validators=[Optional(), Length(max=60)])
    # No Optional(): it reads raw_data, which a three-box date has not got, and would skip the
    # check below.
    from_date = GovDateField("From", what="the first date")
    to_date = GovDateField("To", what="the last date")

    def validate_to_date(self, field) -> None:
        if field.data and self.from_date.data and field.data < self.from_date.data:
            raise ValidationError("The last date must be the same as or after the first date")


class SubjectAccessForm(BaseForm):
    """Only the CSRF token: making the export is a POST."""
