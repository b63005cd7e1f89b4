"""The forms of the notifications pages: email preferences, and marking notices read."""

from __future__ import annotations

from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length

from portal.forms import BaseForm
from portal.notifications.kinds import KINDS, Choice, Kind
from portal.notifications.messages import MAX_MESSAGE_LENGTH


class MarkReadForm(BaseForm):
    """A button only: the CSRF token is the whole form."""


class PreferencesForm(BaseForm):
    """One question per kind of notice the person may choose about (built per person)."""

    def choices(self) -> dict[Kind, Choice]:
        return {
            Kind(name.removeprefix("kind_")): Choice(field.data)
            for name, field in self._fields.items()
            if name.startswith("kind_")
        }


def preferences_form(kinds: list[Kind], current: dict[Kind, Choice], **kwargs) -> PreferencesForm:
    """A preferences form asking about `kinds`, each starting at the person's current choice."""

    class Form(PreferencesForm):
        pass

    for kind in kinds:
        message = f"Select how you want to hear when {KINDS[kind].preference_label.lower()}"
        setattr(
            Form,
            f"kind_{kind.value}",
            RadioField(
                KINDS[kind].preference_label,
                choices=[SelectChoice(c.value, c.label) for c in Choice],
                default=current[kind].value,
                validate_choice=False,
                validators=[
                    DataRequired(message=message),
                    AnyOf([c.value for c in Choice], message=message),
                ],
            ),
        )
    return Form(**kwargs)


class MessageForm(BaseForm):
    """Write a message (plain text) to the council, or a reply."""

    body = TextAreaField(
        "Your message",
        validators=[
            DataRequired(message="Enter your message"),
            Length(
                max=MAX_MESSAGE_LENGTH,
                message=f"Your message must be {MAX_MESSAGE_LENGTH:,} characters or fewer",
            ),
        ],
        description="Write in plain words. To share a document, add it in the documents area.",
    )
