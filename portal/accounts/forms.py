"""Forms for signing in, choosing a password and inviting people."""

from __future__ import annotations

from collections.abc import Sequence

from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from portal.accounts.models import Organisation, Role
from portal.accounts.passwords import MAX_LENGTH, password_problem
from portal.forms import BaseForm


class SignInForm(BaseForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address"),
            # Longer than any email address can be (and than the column that records failures).
            Length(max=320, message="Enter a correct email address and password"),
        ],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password"), Length(max=MAX_LENGTH * 4)],
        render_kw={"autocomplete": "current-password"},
    )


class ChoosePasswordForm(BaseForm):
    """Used by invitation and reset links. The email lets password managers save the pair."""

    password = PasswordField(
        "Choose a password",
        description=(
            "Use at least 12 characters. A good way is to put 3 or 4 random words together."
        ),
        validators=[InputRequired("Enter a password")],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        "Type the password again",
        validators=[InputRequired("Type your password again")],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, email: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._email = email

    def validate_password(self, field) -> None:
        problem = password_problem(field.data or "", email=self._email)
        if problem:
            raise ValidationError(problem)

    def validate_confirm_password(self, field) -> None:
        if self.password.data and field.data != self.password.data:
            raise ValidationError("The passwords do not match")


class ForgotPasswordForm(BaseForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address"),
            Email("Enter an email address in the correct format, like name@example.com"),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


class InviteForm(BaseForm):
    name = StringField(
        "Full name", validators=[DataRequired("Enter the person’s full name"), Length(max=200)]
    )
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter the person’s email address"),
            Email("Enter an email address in the correct format, like name@example.com"),
            Length(max=320),
        ],
        render_kw={"spellcheck": "false"},
    )
    role = RadioField(
        "What will they do?", validators=[InputRequired("Choose what the person will do")]
    )
    organisation = SelectField("Organisation", coerce=int, validate_choice=False)

    def __init__(
        self, *args, roles: list[Role], organisations: Sequence[Organisation], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(role.value, role.label) for role in roles]
        self.organisation.choices = [SelectChoice("0", "None (a family member)")] + [
            SelectChoice(str(org.id), org.name) for org in organisations
        ]
        self._organisation_ids = {org.id for org in organisations}

    def validate_organisation(self, field) -> None:
        role = Role(self.role.data) if self.role.data in {r.value for r in Role} else None
        if field.data and field.data not in self._organisation_ids:
            raise ValidationError("Choose an organisation from the list")
        if role and not role.is_family and not field.data:
            raise ValidationError("Choose the organisation the person works for")
        if role and role.is_family and field.data:
            raise ValidationError("Family members do not belong to an organisation: choose None")


class ApproveInvitationForm(BaseForm):
    """A button: approve one invitation (the form carries only the CSRF token)."""


class SecondFactorCodeForm(BaseForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        "Code",
        description=(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes"
        ),
        validators=[
            InputRequired("Enter the 6-digit code from your authenticator app"),
            Length(max=40, message="Enter the 6-digit code from your authenticator app"),
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "spellcheck": "false",
            "autocapitalize": "none",
        },
    )


class ConfirmItIsYouForm(BaseForm):
    """The code asked for before a sensitive action, posted with the action's own fields."""

    second_factor_code = StringField(
        "Code",
        description="The 6-digit code your authenticator app shows now",
        validators=[InputRequired("Enter the 6-digit code from your authenticator app")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class SetUpAppForm(BaseForm):
    """The first code from a newly set-up app, which proves it works."""

    code = StringField(
        "Code from your app",
        description="Enter the 6-digit code your app now shows for this account",
        validators=[
            InputRequired("Enter the 6-digit code from your authenticator app"),
            Length(max=20, message="Enter the 6-digit code from your authenticator app"),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class StartSetUpForm(BaseForm):
    """Just the CSRF token: make a new secret to set up an app with."""


class PasskeyAnswerForm(BaseForm):
    """The browser's answer from `navigator.credentials.get` (filled in by portal.js)."""

    credential = HiddenField(validators=[DataRequired(message="Use your passkey")])


class AddPasskeyForm(PasskeyAnswerForm):
    """A name for the new passkey, and the browser's answer from `navigator.credentials.create`."""

    name = StringField(
        "Name this passkey",
        description="So you can tell your passkeys apart, for example Work laptop",
        validators=[
            DataRequired(message="Enter a name for this passkey, for example Work laptop"),
            Length(max=60, message="The name must be 60 characters or fewer"),
        ],
    )
