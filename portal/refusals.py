"""One way to say no.

- `NotAllowed`: the person may not do this at all (views usually answer 403 or 404 before a
  service is even called; services raise it as a second line of defence).
- `Refused(reason, field)`: the action cannot be done as asked. `reason` is a plain-English
  sentence for the person; `field` names the form field it is about (None: the form as a whole).
  `show_on_form` puts it where the GOV.UK error summary and the field's inline error read it.
"""

from __future__ import annotations

from typing import Any


class NotAllowed(PermissionError):
    """The person may not do this to this object."""


class Refused(ValueError):
    """The action cannot be done as asked; nothing was saved."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


def show_on_form(form: Any, refused: Refused) -> None:
    """Show a refusal on a WTForms form: on its field when it names one the form has, else on
    the form as a whole (the error summary lists both)."""
    field = getattr(form, refused.field, None) if refused.field else None
    if field is not None:
        field.errors = [refused.reason, *field.errors]
    else:
        form.form_errors.append(refused.reason)
