"""Forms for adding documents, new versions, and removing a document."""

from __future__ import annotations

from flask_wtf.file import FileField, MultipleFileField
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from portal.documents.filetypes import ACCEPT_ATTRIBUTE
from portal.documents.models import Category, Restriction, WhoSees
from portal.forms import BaseForm

#: How many files one upload may hold (each becomes a document).
MAX_FILES = 10


def chosen_files(field) -> list:
    """The files actually chosen: browsers send an empty part when none was."""
    return [f for f in (field.data or []) if getattr(f, "filename", None)]


class UploadForm(BaseForm):
    """Add one or several documents. `restriction` is left out when the person has no choice
    (a family member's documents are for everyone on the case)."""

    title = StringField(
        "Title",
        validators=[
            DataRequired("Enter a title for the document"),
            Length(max=200, message="The title must be 200 characters or fewer"),
        ],
        description="For example, “Speech and language report, March”.",
    )
    category = RadioField("What kind of document is it?", validate_choice=False)
    restriction = RadioField("Who can see it?", validate_choice=False)
    restriction_reason = TextAreaField(
        "If this is advice and the family must not see it, say why",
        validators=[Length(max=500, message="The reason must be 500 characters or fewer")],
        description=(
            "Families see the advice about their child. If they must not, the council records "
            "your reason. The family is told some advice is kept from them, but not your words."
        ),
    )
    files = MultipleFileField("Upload files", render_kw={"accept": ACCEPT_ATTRIBUTE})

    def __init__(
        self,
        *args,
        categories: list[Category],
        restrictions: list[Restriction],
        max_mb: int,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice(c.value, c.label) for c in categories]
        self.files.description = (
            f"PDF, Word, OpenDocument, RTF, text, JPEG or PNG. You can choose up to {MAX_FILES} "
            f"files. Together they must be smaller than {max_mb} MB."
        )
        if len(restrictions) > 1:
            self.restriction.choices = [SelectChoice(r.value, r.label) for r in restrictions]
            self.restriction_hints = {r.value: r.hint for r in restrictions}
        else:
            del self.restriction
            del self.restriction_reason

    def validate_category(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose what kind of document it is")

    def validate_restriction(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose who can see the document")

    def validate_restriction_reason(self, field) -> None:
        category, restriction = self.category.data, self.restriction.data
        if (
            category in set(Category)
            and restriction in set(Restriction)
            and Category(category).is_advice
            and restriction != Restriction.EVERYONE
            and not (field.data or "").strip()
        ):
            raise ValidationError("Enter why the family must not see this advice")

    def validate_files(self, field) -> None:
        files = chosen_files(field)
        if not files:
            raise ValidationError("Select a file to upload")
        if len(files) > MAX_FILES:
            raise ValidationError(f"Select {MAX_FILES} files or fewer")

    @property
    def chosen_restriction(self) -> str:
        return self.restriction.data if "restriction" in self else Restriction.EVERYONE.value

    @property
    def chosen_reason(self) -> str | None:
        return self.restriction_reason.data if "restriction_reason" in self else None


class NewVersionForm(BaseForm):
    file = FileField("Upload the new version", render_kw={"accept": ACCEPT_ATTRIBUTE})

    def __init__(self, *args, max_mb: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.file.description = (
            f"PDF, Word, OpenDocument, RTF, text, JPEG or PNG, smaller than {max_mb} MB. "
            "The older versions are kept."
        )

    def validate_file(self, field) -> None:
        if not getattr(field.data, "filename", None):
            raise ValidationError("Select a file to upload")


class RemoveDocumentForm(BaseForm):
    reason = TextAreaField(
        "Why are you removing it?",
        validators=[
            DataRequired("Enter why you are removing the document"),
            Length(max=500, message="The reason must be 500 characters or fewer"),
        ],
        description="For example, “Uploaded to the wrong case” or “Replaced by a newer report”.",
    )


class TellUsForm(BaseForm):
    """A young person's "Tell us something": words, a picture if they like, and who sees it.
    Its field names are its own (`words`, not `body`), so the case page's forms never share an
    id."""

    words = TextAreaField(
        "What do you want to tell us?",
        validators=[
            DataRequired("Write what you want to tell us"),
            Length(max=1000, message="Use 1,000 letters or fewer"),
        ],
        description="It can be about anything: what you like, what is hard, what you want.",
    )
    picture = FileField(
        "Add a picture (you do not have to)", render_kw={"accept": "image/jpeg,image/png"}
    )
    who_sees = RadioField(
        "Who can see it?",
        choices=[SelectChoice(w.value, w.label) for w in WhoSees],
        validate_choice=False,
    )

    def __init__(self, *args, max_mb: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.picture.description = f"A photo or a drawing. JPEG or PNG, smaller than {max_mb} MB."
        self.who_sees_hints = {w.value: w.hint for w in WhoSees}

    def validate_who_sees(self, field) -> None:
        if field.data not in {w.value for w in WhoSees}:
            raise ValidationError("Choose who can see it")

    @property
    def chosen_picture(self):
        """The picture, if one was chosen (browsers send an empty part when none was)."""
        return self.picture.data if getattr(self.picture.data, "filename", None) else None
