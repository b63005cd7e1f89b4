"""Forms for the tariff and budget: amounts typed in pounds and pence, read as whole pence.

What was typed is kept on the field, so a mistake in one box never empties the others.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from wtforms import BooleanField, Field, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from portal.forms import BaseForm
from portal.funding.money import (
    BANDS,
    FinancialYear,
    NotAnAmount,
    SettingType,
    Tariff,
    parse_pounds,
    pounds,
    pounds_input,
)
from portal.funding.tariff import MAX_BUDGET_PENCE, MAX_TOP_UP_PENCE, MAX_UPLIFT, field_name


class PoundsField(StringField):
    """An amount of money typed in pounds ("6,500" or "6500.50"); `pence` holds the value.

    `what` names the amount in messages ("the top-up for band 3 in a mainstream school").
    """

    def __init__(
        self, label=None, validators=None, *, what: str, most: int, optional: bool = False, **kw
    ):
        super().__init__(label, validators, **kw)
        self.what = what
        self.most = most
        self.optional = optional
        self.pence: int | None = None

    def pre_validate(self, form) -> None:
        self.pence = None
        text = (self.data or "").strip()
        what = self.what[0].upper() + self.what[1:]
        try:
            amount = parse_pounds(text)
        except NotAnAmount as problem:
            if problem.problem == "empty":
                if self.optional:
                    return
                raise ValidationError(f"Enter {self.what}") from None
            if problem.problem == "negative":
                raise ValidationError(f"{what} must be £0 or more") from None
            if problem.problem == "pence":
                raise ValidationError(
                    f"{what} must be in pounds and pence, with no more than 2 numbers after "
                    "the decimal point"
                ) from None
            raise ValidationError(
                f"{what} must be an amount of money, like 6500 or 6,500.50"
            ) from None
        if amount > self.most:
            raise ValidationError(f"{what} must be {pounds(self.most)} or less")
        self.pence = amount


def tariff_form_class():
    """The tariff form: a budget and one box per band and setting type (24 in all)."""

    class TariffForm(BaseForm):
        budget = PoundsField(
            "High-needs top-up budget for the year (optional)",
            what="the budget",
            most=MAX_BUDGET_PENCE,
            optional=True,
            description="What the council has to spend on top-up funding this year, in pounds.",
        )

        illustrative = BooleanField(
            "These are illustrative figures, not the council’s real ones",
            description="Every page that shows them will say so.",
        )

        def top_up_fields(self, setting: SettingType) -> list[Field]:
            return [getattr(self, field_name(band, setting)) for band in BANDS]

        def top_ups(self) -> dict:
            return {
                (band, setting): getattr(self, field_name(band, setting)).pence
                for band in BANDS
                for setting in SettingType
            }

        def fill(self, tariff: Tariff | None, budget_pence: int | None, illustrative: bool) -> None:
            """Put stored figures in the boxes (a GET of the edit page)."""
            self.illustrative.data = illustrative
            if budget_pence is not None:
                self.budget.data = pounds_input(budget_pence)
            if tariff is not None:
                for (band, setting), amount in tariff.top_ups.items():
                    getattr(self, field_name(band, setting)).data = pounds_input(amount)

    for setting in SettingType:
        for band in BANDS:
            setattr(
                TariffForm,
                field_name(band, setting),
                PoundsField(
                    f"Band {band}",
                    what=f"the top-up for band {band} in a {setting.label.lower()}",
                    most=MAX_TOP_UP_PENCE,
                ),
            )
    return TariffForm


TariffForm = tariff_form_class()


class CopyTariffForm(BaseForm):
    """Copy the year before's tariff with an uplift in per cent (0 copies it as it is)."""

    uplift = StringField(
        "Uplift (per cent)",
        description="For example, 2 for a 2% rise, or 0 to copy the figures as they are.",
    )

    percent: Decimal | None = None

    def validate_uplift(self, field) -> None:
        text = (field.data or "").strip().removesuffix("%").strip()
        if not text:
            raise ValidationError("Enter the uplift as a percentage, like 2 or 2.5")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError("The uplift must be a number, like 2 or 2.5") from None
        if not value.is_finite() or value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValidationError("The uplift must be a number with up to 2 decimal places")
        if not -MAX_UPLIFT <= value <= MAX_UPLIFT:
            raise ValidationError(f"The uplift must be between -{MAX_UPLIFT} and {MAX_UPLIFT}")
        self.percent = value


class DashboardYearForm(BaseForm):
    """Which financial year the dashboard shows: a GET form, so each year has its own URL."""

    class Meta:
        csrf = False  # a GET form changes nothing

    year = SelectField("Financial year")

    def __init__(self, this_year: FinancialYear, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        years = [FinancialYear(this_year.start_year + step) for step in (-2, -1, 0, 1)]
        self.year.choices = [SelectChoice(str(y.start_year), y.label) for y in years]
        self.chosen = this_year
        if self.year.data in {str(y.start_year) for y in years}:
            self.chosen = FinancialYear(int(self.year.data))
        self.year.data = str(self.chosen.start_year)
