"""Forms for proposing a band and for the council's decision on it."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError

from portal import forms as portal_forms
from portal.forms import BaseForm, GovDateField
from portal.funding.money import BANDS, SettingType

LONG_TEXT = 5_000
BAND_CHOICES = [SelectChoice(str(b), f"Band {b}") for b in BANDS]


class MultiCheckboxField(portal_forms.MultiCheckboxField):
    """Checkboxes of the plan's items or the descriptor's statements."""

    def pre_validate(self, form) -> None:
        # A box that is not offered any more (the plan or descriptor changed) is a plain error.
        offered = {str(c[0]) for c in self.iter_choices()}
        if any(value not in offered for value in self.data or []):
            raise ValidationError("One of the items you chose is no longer there. Choose again.")


class DateRequired:
    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data is None and not field.process_errors:
            raise StopValidation(self.message)


class ProposeBandForm(BaseForm):
    band = RadioField(
        "Which band fits best?",
        choices=BAND_CHOICES,
        validators=[InputRequired("Choose a band from 1 to 6")],
    )
    statements = MultiCheckboxField("Descriptor statements that fit the child", choices=[])
    own_words = TextAreaField(
        "Anything else about the band, in your own words (optional)",
        validators=[Optional(), Length(max=LONG_TEXT)],
    )
    evidence = MultiCheckboxField("Evidence in the plan", choices=[])
    other_evidence = TextAreaField(
        "Other evidence (optional)",
        validators=[Optional(), Length(max=LONG_TEXT)],
        description="For example, a report not yet in the plan, with its date and who wrote it.",
    )
    primary = BooleanField("This is the child's main area of need")
    setting_type = RadioField(
        "Type of school or setting",
        choices=[SelectChoice(s.value, s.label) for s in SettingType],
        validators=[InputRequired("Choose the type of school or setting")],
    )
    effective = GovDateField(
        "When should the band start?",
        what="the date the band starts",
        validators=[DateRequired("Enter the date the band starts")],
        description="Usually the day the plan is issued or reviewed. For example, 1 9 2027",
    )

    def validate_statements(self, field) -> None:
        if not field.data and not (self.own_words.data or "").strip():
            raise ValidationError(
                "Choose the descriptor statements that fit the child best, "
                "or describe the need in your own words"
            )
        band = self.band.data
        wrong = [key for key in field.data or [] if key.split("-")[0] != band]
        if band and wrong:
            raise ValidationError(
                f"Choose statements from band {band} only, or change the band you chose"
            )

    def validate_evidence(self, field) -> None:
        if not field.data and not (self.other_evidence.data or "").strip():
            raise ValidationError(
                "Choose the needs and help in the plan that show this band, "
                "or describe the other evidence"
            )


class DecideBandForm(BaseForm):
    decision = RadioField(
        "What does the council agree?",
        choices=[
            SelectChoice("as_proposed", "Agree the band as proposed"),
            SelectChoice("different", "Agree a different band"),
        ],
        validators=[InputRequired("Choose whether to agree the band as proposed")],
    )
    band = RadioField("A different band", choices=BAND_CHOICES, validators=[Optional()])
    reason = TextAreaField(
        "Why this band and not the one proposed",
        validators=[Optional(), Length(max=LONG_TEXT)],
        description="Only if the council agrees a different band. The school and the case "
        "officer will see this.",
    )

    def validate(self, extra_validators=None) -> bool:
        # The band is needed only for a different band, so it is checked after the others
        # (an `Optional` field's own validators stop at an empty value).
        valid = super().validate(extra_validators)
        if self.decision.data == "different" and not self.band.data:
            self.band.errors = ["Choose the band the council agrees"]
            return False
        return valid


class WithdrawBandForm(BaseForm):
    reason = TextAreaField(
        "Why is the proposal withdrawn? (optional)",
        validators=[Optional(), Length(max=LONG_TEXT)],
    )
