"""The base form every form in the portal uses."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field, SelectMultipleField, widgets
from wtforms.utils import unset_value
from wtforms.widgets.core import clean_key


def _strip(value):
    return value.strip() if isinstance(value, str) else value


#: The widgets drawn by `_draw` (exactly these classes: a subclass may draw itself otherwise).
_INPUTS = frozenset(
    {
        widgets.TextInput,
        widgets.EmailInput,
        widgets.HiddenInput,
        widgets.SearchInput,
        widgets.TelInput,
        widgets.URLInput,
        widgets.RadioInput,
        widgets.CheckboxInput,
        widgets.FileInput,
    }
)


def _attributes(params: dict[str, Any]) -> str:
    """HTML attributes as WTForms's `html_params` writes them (sorted; True alone, False left
    out; values escaped), without its `Markup.format`, which runs Python's string formatter for
    every attribute."""
    written = []
    for key, value in sorted(params.items()):
        key = escape(clean_key(key))
        if value is True:
            written.append(str(key))
        elif value is not False:
            written.append(f'{key}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return " ".join(written)


def _add_flags(field: Any, params: dict[str, Any], *, call: bool = False) -> None:
    """The attributes the field's validators ask of its widget (required, maxlength...), unless
    the template gave them; `call`: a flag that is a function gives its answer (as inputs do)."""
    flags = vars(field.flags)
    for name in field.widget.validation_attrs:
        if name in flags and name not in params:
            value = flags[name]
            params[name] = value() if call and callable(value) else value


def _draw(field: Field, params: dict[str, Any]) -> Markup | None:
    """The field's HTML, the same as its WTForms widget writes, for the plain inputs, text areas
    and selects every form has (a case page draws a dozen: the widgets took a tenth of a millisecond
    each). None for any other widget, which draws itself."""
    widget = field.widget
    kind = type(widget)
    if kind is widgets.TextArea:
        params.setdefault("id", field.id)
        _add_flags(field, params)
        text = escape(field._value())
        attributes = _attributes({"name": field.name, **params})
        return Markup(f"<textarea {attributes}>\r\n{text}</textarea>")  # noqa: S704 (escaped)
    if kind is widgets.Select and not field.has_groups():
        return _draw_select(field, params)
    if kind not in _INPUTS or getattr(field, "_datalist", None) is not None:
        return None
    ticked = getattr(field, "checked", field.data) if kind is widgets.CheckboxInput else None
    if ticked or (kind is widgets.RadioInput and field.checked):
        params.setdefault("checked", True)
    elif kind is widgets.FileInput:
        params["value"] = False  # browsers never take a file input's value
        if widget.multiple:
            params["multiple"] = True
    params.setdefault("id", field.id)
    params.setdefault("type", widget.input_type)
    if "value" not in params:
        params["value"] = field._value()
    _add_flags(field, params, call=True)
    return Markup(f"<input {_attributes({'name': field.name, **params})}>")  # noqa: S704 (escaped)


def _draw_select(field: Any, params: dict[str, Any]) -> Markup:
    """A select and its options, as WTForms's `Select` widget writes them."""
    params.setdefault("id", field.id)
    if field.widget.multiple:
        params["multiple"] = True
    _add_flags(field, params)
    html = [f"<select {_attributes({'name': field.name, **params})}>"]
    for choice in field.iter_choices():
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        option = {"value": value, **(choice.render_kw or {})}
        if choice.selected:
            option["selected"] = True
        html.append(
            f"<option {_attributes(option)}>{escape(choice.label or choice.value)}</option>"
        )
    html.append("</select>")
    return Markup("".join(html))  # noqa: S704 (every value escaped)


class BaseForm(FlaskForm):
    """Strips surrounding spaces from every text field (people paste with spaces), and draws
    the plain fields itself (`_draw`)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            if _strip not in filters and unbound_field.field_class.__name__ != "PasswordField":
                filters.append(_strip)
            return unbound_field.bind(form=form, filters=filters, **options)

        def render_field(self, field, render_kw):
            params = {clean_key(key): value for key, value in render_kw.items()}
            if field.render_kw:
                own = {clean_key(key): value for key, value in field.render_kw.items()}
                params = {**own, **params}
            drawn = _draw(field, params)
            return drawn if drawn is not None else field.widget(field, **params)


class MultiCheckboxField(SelectMultipleField):
    """GOV.UK checkboxes for a list of choices (the forms macro draws them by this class name,
    so a subclass keeps it)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


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
