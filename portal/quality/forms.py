"""Forms for audit rounds, audits, moderation and actions."""

from __future__ import annotations

from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, StopValidation

from portal.forms import BaseForm, GovDateField, MultiCheckboxField
from portal.quality.framework import Grade
from portal.quality.models import ActionWhen
from portal.quality.sampling import KEY_STAGES, PRIMARY_NEEDS, SETTING_TYPES

LONG_TEXT = 10_000


class DateRequired:
    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data is None and not field.process_errors:
            raise StopValidation(self.message)


def _any(label: str, options: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice("", label)] + [SelectChoice(k, v) for k, v in options.items()]


class RoundForm(BaseForm):
    name = StringField(
        "Name of the round",
        validators=[DataRequired("Enter a name for the round"), Length(max=200)],
        description="For example, November 2026",
    )
    starts_on = GovDateField(
        "Plans issued or amended from",
        validators=[DateRequired("Enter the first day of the date range")],
        what="the first day of the date range",
    )
    ends_on = GovDateField(
        "Up to and including",
        validators=[DateRequired("Enter the last day of the date range")],
        what="the last day of the date range",
    )
    percentage = IntegerField(
        "Percentage of plans to audit",
        validators=[
            InputRequired("Enter the percentage of plans to audit, from 1 to 100"),
            NumberRange(1, 100, "Enter the percentage of plans to audit, from 1 to 100"),
        ],
    )
    moderation_percentage = IntegerField(
        "Percentage of audited plans a second auditor checks",
        default=20,
        validators=[
            InputRequired("Enter the share for a second auditor, from 0 to 100"),
            NumberRange(0, 100, "Enter the share for a second auditor, from 0 to 100"),
        ],
        description="The second auditor does not see the first audit.",
    )
    key_stage = SelectField("Key stage", choices=_any("Any key stage", KEY_STAGES), default="")
    primary_need = SelectField(
        "Primary area of need", choices=_any("Any", PRIMARY_NEEDS), default=""
    )
    setting_type = SelectField("Type of setting", choices=_any("Any", SETTING_TYPES), default="")
    case_officer = SelectField("Case officer", choices=[], default="")
    auditors = MultiCheckboxField(
        "Auditors",
        coerce=int,
        validators=[DataRequired("Choose at least one auditor")],
        description="Nobody is given a plan they wrote or manage.",
    )


class AuditSectionForm(BaseForm):
    """The comment on a section; the criteria's radios are read by code from the request."""

    comment = TextAreaField(
        "Comments on this section (optional)", validators=[Length(max=LONG_TEXT)]
    )


class SubmitAuditForm(BaseForm):
    strengths = TextAreaField("Strengths of the plan", validators=[Length(max=LONG_TEXT)])
    improvements = TextAreaField("What would make it better", validators=[Length(max=LONG_TEXT)])
    when = RadioField(
        "If the plan needs changes, when should the case officer make them?",
        choices=[SelectChoice(w.value, w.label) for w in ActionWhen],
        default=ActionWhen.NOW.value,
    )


class ModerationForm(BaseForm):
    grade = RadioField(
        "Agreed grade",
        choices=[SelectChoice(g.value, g.value) for g in Grade],
        validators=[InputRequired("Choose the agreed grade")],
    )
    reason = TextAreaField(
        "Why this grade was agreed",
        validators=[DataRequired("Say why this grade was agreed"), Length(max=LONG_TEXT)],
    )


def _percent(label: str, grade: str) -> IntegerField:
    message = f"Enter the share of criteria met for {grade}, a whole number from 0 to 100"
    return IntegerField(
        label,
        validators=[InputRequired(message), NumberRange(0, 100, message)],
        description="Percentage of criteria met, at least",
    )


class FrameworkGradesForm(BaseForm):
    """The framework's name and the lowest share of criteria met for each grade but the last."""

    name = StringField(
        "Name of the framework",
        validators=[DataRequired("Enter a name for the framework"), Length(max=200)],
    )
    outstanding = _percent("Outstanding", "Outstanding")
    good = _percent("Good", "Good")
    requires_improvement = _percent("Requires improvement", "Requires improvement")

    def minimum_fields(self) -> list[IntegerField]:
        return [self.outstanding, self.good, self.requires_improvement]


class ActionForm(BaseForm):
    """A button-only form: CSRF for 'done' and 're-audit'."""


class DashboardFilterForm(BaseForm):
    class Meta:
        csrf = False

    round = SelectField("Round", choices=[], default="")
    key_stage = SelectField("Key stage", choices=_any("Any key stage", KEY_STAGES), default="")
    primary_need = SelectField(
        "Primary area of need", choices=_any("Any", PRIMARY_NEEDS), default=""
    )
    setting_type = SelectField("Type of setting", choices=_any("Any", SETTING_TYPES), default="")
