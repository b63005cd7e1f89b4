"""The base form every form in the portal uses."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.utils import unset_value


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Strips surrounding spaces from every text field (people paste with spaces)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            if _strip not in filters and unbound_field.field_class.__name__ != "PasswordField":
                filters.append(_strip)
            return unbound_field.bind(form=form, filters=filters, **options)


class GovDateField(Field):
    """A date typed as day, month and year in three boxes (the GOV.UK date input pattern).

    Reads `<name>-day`, `<name>-month`, `<name>-year`. What was typed is kept in `part_values`
    so a mistake never empties the boxes. Messages name the thing, as GOV.UK asks:
    pass `what="the date the request was received"`.
    """

    def __init__(self, label=None, validators=None, *, what: str = "the date", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.what = what
        self.part_values = {"day": "", "month": "", "year": ""}

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = data if isinstance(data, date) else None
        if self.data is not None:
            self.part_values = {
                "day": str(self.data.day),
                "month": str(self.data.month),
                "year": str(self.data.year),
            }
        if formdata is not None and any(f"{self.name}-{p}" in formdata for p in self.part_values):
            self.part_values = {
                part: (formdata.get(f"{self.name}-{part}") or "").strip()[:10]
                for part in ("day", "month", "year")
            }
            self.data = None
            self._parse()

    def _parse(self) -> None:
        parts = self.part_values
        missing = [p for p in ("day", "month", "year") if not parts[p]]
        if len(missing) == 3:
            return  # an empty date: the required/optional validators decide
        if missing:
            self.process_errors.append(
                f"{self.what[0].upper()}{self.what[1:]} must include a {' and '.join(missing)}"
            )
            return
        try:
            day, month, year = (int(parts[p]) for p in ("day", "month", "year"))
            if year < 1900 or year > 2200:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            self.process_errors.append(f"{self.what[0].upper()}{self.what[1:]} must be a real date")

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""
