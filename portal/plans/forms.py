"""Forms for writing the plan, section by section."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal import forms as portal_forms
from portal.forms import BaseForm
from portal.plans.models import ABOUT_ME_PROMPTS, AreaOfNeed, PlacementType, Response, Section

LONG_TEXT = 20_000


class MultiCheckboxField(portal_forms.MultiCheckboxField):
    """Checkboxes of the working copy's items."""

    def pre_validate(self, form) -> None:
        # Choices are the items of the working copy; a stale id is ignored by the service.
        pass


class AboutMeForm(BaseForm):
    """The five prompts of "All about me". Every one is optional: write as much or little as
    you like."""

    liked_for = TextAreaField(ABOUT_ME_PROMPTS[0][1], validators=[Length(max=5000)])
    matters = TextAreaField(ABOUT_ME_PROMPTS[1][1], validators=[Length(max=5000)])
    hard = TextAreaField(ABOUT_ME_PROMPTS[2][1], validators=[Length(max=5000)])
    how_to_help = TextAreaField(ABOUT_ME_PROMPTS[3][1], validators=[Length(max=5000)])
    hopes = TextAreaField(ABOUT_ME_PROMPTS[4][1], validators=[Length(max=5000)])

    def answers(self) -> dict[str, str]:
        return {column: getattr(self, column).data or "" for column, _q in ABOUT_ME_PROMPTS}


class CommentsForm(BaseForm):
    """The family's comments on a sent draft: one box per section, a meeting, a school."""

    wants_meeting = BooleanField("I would like a meeting with the council about the draft")
    school_preference = StringField(
        "The school or college you would like named in the plan (if any)",
        validators=[Length(max=200)],
    )

    def comments(self) -> dict[Section, str]:
        return {s: getattr(self, f"section_{s.value}").data or "" for s in Section}


for _section in Section:
    setattr(
        CommentsForm,
        f"section_{_section.value}",
        TextAreaField(
            f"Section {_section.letter}: {_section.family_title}",
            validators=[Length(max=10_000)],
        ),
    )


class ResponseForm(BaseForm):
    """The council's answer to one comment."""

    response = RadioField(
        "What did you do?",
        choices=[SelectChoice(r.value, r.label) for r in Response],
        validators=[DataRequired("Select whether you changed the plan")],
    )
    response_text = TextAreaField(
        "What changed, or why the plan was not changed",
        validators=[Length(max=5000)],
        description="The family reads this in plain words.",
    )


class ConfirmForm(BaseForm):
    """A confirmation button: only the CSRF token travels with it."""


class SectionTextForm(BaseForm):
    """The written part of a section, and "none identified" where the section allows it."""

    text = TextAreaField("", validators=[Length(max=LONG_TEXT)])
    my_plan_text = TextAreaField(
        "“My plan”: the plan in the young person's own simple words",
        validators=[Length(max=LONG_TEXT)],
        description=(
            "What I want to achieve, what help I get, who helps me, when we check it. "
            "Short sentences; the check below gives its reading age."
        ),
    )
    none_identified = BooleanField("None identified")


class NeedForm(BaseForm):
    text = TextAreaField(
        "Describe the need",
        validators=[DataRequired("Describe the need"), Length(max=LONG_TEXT)],
    )
    area = RadioField(
        "Area of need",
        choices=[SelectChoice(a.value, a.label) for a in AreaOfNeed],
        validators=[Optional()],
    )
    is_strength = BooleanField("This is a strength, not a need")


class OutcomeForm(BaseForm):
    text = TextAreaField(
        "The outcome",
        validators=[DataRequired("Enter the outcome"), Length(max=LONG_TEXT)],
        description="What the child or young person will be able to do, and by when.",
    )
    by_when = StringField(
        "By when", validators=[Length(max=200)], description="For example, by July 2028"
    )
    steps = TextAreaField(
        "Shorter-term steps",
        validators=[Length(max=LONG_TEXT)],
        description="One step a line, each with when it will be checked.",
    )
    preparing_for_adulthood = BooleanField(
        "This outcome is about preparing for adulthood (from Year 9)"
    )
    needs = MultiCheckboxField("Needs this outcome answers", coerce=int)


class ProvisionForm(BaseForm):
    item_id = HiddenField()
    what = TextAreaField(
        "What help is given",
        validators=[DataRequired("Enter what help is given"), Length(max=LONG_TEXT)],
        description="Say exactly what is done, not what the child would benefit from.",
    )
    who = StringField(
        "Who gives it",
        validators=[Length(max=300)],
        description="For example, a speech and language therapist",
    )
    how_often = StringField(
        "How often",
        validators=[Length(max=300)],
        description="For example, 30 minutes, 3 times a week",
    )
    how_long = StringField(
        "For how long, or until when",
        validators=[Length(max=300)],
        description="For example, until the next annual review",
    )
    group_size = StringField(
        "Group size (if it matters)",
        validators=[Length(max=100)],
        description="For example, 1 to 1",
    )
    outcomes = MultiCheckboxField("Outcomes this help is for", coerce=int)
    needs = MultiCheckboxField("Needs this help meets", coerce=int)


class PlacementForm(BaseForm):
    placement_name = StringField("Name of the school or setting", validators=[Length(max=200)])
    placement_type = RadioField(
        "Type of school or setting",
        choices=[SelectChoice(t.value, t.label) for t in PlacementType],
        validators=[Optional()],
    )


__all__ = [
    "ConfirmForm",
    "NeedForm",
    "OutcomeForm",
    "PlacementForm",
    "ProvisionForm",
    "SectionTextForm",
]
