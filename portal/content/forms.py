"""Forms of the content editor."""

from __future__ import annotations

from wtforms import IntegerField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import HiddenInput

from portal.forms import BaseForm

MAX_BODY = 30_000  # characters: the longest shipped page is under 6,000


class EditPageForm(BaseForm):
    """The words of a page. `based_on` is the revision the editor started from."""

    title = StringField(
        "Title",
        validators=[
            DataRequired("Enter a title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    summary = StringField(
        "Summary",
        description="One sentence. It is shown under the title and in lists of pages.",
        validators=[
            DataRequired("Enter a summary"),
            Length(max=500, message="Summary must be 500 characters or fewer"),
        ],
    )
    body = TextAreaField(
        "Page text",
        description=(
            "Write in Markdown. Start headings with ## (the title is the page's main heading). "
            "Leave a blank line between paragraphs."
        ),
        validators=[
            DataRequired("Enter the page text"),
            Length(max=MAX_BODY, message=f"Page text must be {MAX_BODY:,} characters or fewer"),
        ],
        render_kw={"spellcheck": "true"},
    )
    based_on = IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired("Open the page again and make your change"), NumberRange(min=0)],
    )


class PublishForm(BaseForm):
    """Publish one revision, named by its number (the one the editor was looking at)."""

    revision = IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired("Choose a version to publish"), NumberRange(min=1)],
    )


class PublishAnywayForm(PublishForm):
    """Publish a revision whose plain-language check says it needs work: the editor says why."""

    override_reason = TextAreaField(
        "Why publish it now?",
        description="For example: it is urgent, and a plainer version will follow this week. "
        "This is kept with the page's history.",
        validators=[
            DataRequired("Say why you are publishing it before it meets the target"),
            Length(max=500, message="The reason must be 500 characters or fewer"),
        ],
    )


class ConfirmForm(BaseForm):
    """A confirmation button with nothing but the CSRF token (unpublish, restore)."""


class CompareForm(BaseForm):
    """Choose two revisions to compare (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    old = SelectField("Compare revision", coerce=int)
    new = SelectField("with revision", coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [SelectChoice(number, f"Revision {number}") for number in numbers]
        self.old.choices = choices
        self.new.choices = choices
