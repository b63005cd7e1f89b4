"""The portal draws its plain form fields itself (`portal.forms`), faster than WTForms's widgets:
the HTML must be the same, attribute for attribute, whatever the field holds and however a
template draws it, so that labels, hints, errors and the values people typed all still work."""

from __future__ import annotations

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    EmailField,
    FileField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.forms import BaseForm, MultiCheckboxField, _draw

TRICKY = 'Tom "T" O\'Neil <b>&amp; co</b> — café'


class EveryKindForm(BaseForm):
    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=50)],
        render_kw={"autocomplete": "name", "spellcheck": False},
    )
    email = EmailField("Email", validators=[Optional()])
    secret = HiddenField("Hidden")
    search = SearchField("Search", validators=[InputRequired()])
    phone = TelField("Phone", validators=[Length(min=3)])
    site = URLField("Web address")
    words = TextAreaField("Words", validators=[DataRequired(), Length(min=2, max=1000)])
    choice = RadioField(
        "Choice", choices=[SelectChoice("a", "A"), SelectChoice("b", TRICKY)], validate_choice=False
    )
    agreed = BooleanField("Agreed")
    areas = MultiCheckboxField("Areas", choices=[SelectChoice("x", "X"), SelectChoice("y", "Y")])
    picture = FileField("Picture", render_kw={"accept": "image/png"})
    pictures = MultipleFileField("Pictures")
    kind = SelectField("Kind", choices=[SelectChoice("1", "One"), SelectChoice("2", "Two")])
    several = SelectMultipleField(
        "Several", choices=[SelectChoice("p", "P & Q"), SelectChoice("q", TRICKY)]
    )


FILLED = MultiDict(
    [
        ("name", TRICKY),
        ("email", "a&b@example.org"),
        ("secret", '"><script>alert(1)</script>'),
        ("search", TRICKY),
        ("phone", "01234 567890"),
        ("site", "https://example.org/?a=1&b=2"),
        ("words", TRICKY + "\nline two"),
        ("choice", "b"),
        ("agreed", "y"),
        ("areas", "y"),
        ("kind", "2"),
        ("several", "p"),
        ("several", "q"),
    ]
)

HOW_DRAWN = [
    {},
    {"class_": "govuk-input", "aria-describedby": "name-hint name-error"},
    {"class": "govuk-textarea", "rows": 4, "data_module": "govuk-character-count"},
    {"disabled": True, "readonly": False, "autofocus": True},
    {"value": Markup('already "escaped" &amp;'), "id": "other-id"},
    {"required": False, "maxlength": 10},
]


def _fields(form):
    """Every field, and every option of the radios and checkboxes."""
    for field in form:
        if field.type in ("RadioField", "MultiCheckboxField"):
            yield from field
        else:
            yield field


@pytest.mark.parametrize("formdata", [None, FILLED], ids=["empty", "filled"])
@pytest.mark.parametrize("how", HOW_DRAWN, ids=range(len(HOW_DRAWN)))
def test_fields_are_drawn_exactly_as_wtforms_draws_them(app, formdata, how):
    with app.test_request_context():
        form = EveryKindForm(formdata=formdata, meta={"csrf": True})
        form.validate()  # errors and the data people typed, as on a page shown again
        for field in _fields(form):
            ours = field(**how)
            theirs = DefaultMeta.render_field(field.meta, field, dict(how))
            assert str(ours) == str(theirs), field.name
            assert isinstance(ours, Markup)


def test_the_plain_fields_are_the_ones_drawn_here(app):
    """Every kind above is drawn by the portal, CSRF token included."""
    with app.test_request_context():
        form = EveryKindForm(meta={"csrf": True})
        drawn = {field.type for field in _fields(form) if _draw(field, {}) is not None}
    assert drawn == {
        "StringField",
        "EmailField",
        "HiddenField",
        "SearchField",
        "TelField",
        "URLField",
        "TextAreaField",
        "_Option",
        "BooleanField",
        "FileField",
        "MultipleFileField",
        "CSRFTokenField",
        "SelectField",
        "SelectMultipleField",
    }


def test_a_value_cannot_break_out_of_its_attribute(app):
    """What someone typed is escaped: a quote cannot end the attribute and start markup."""
    with app.test_request_context():
        form = EveryKindForm(formdata=FILLED)
        html = str(form.secret())
    assert "<script>" not in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
