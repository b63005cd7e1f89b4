"""Forms for the case officer's actions on a case. Each action has its own small form.

The forms check what a form can check (something entered, a real date, a choice from the list);
the services check the rest (dates against the case's milestones, stage moves), so the same rules
hold however a service is called.
"""

from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation

from portal import dates, pathway
from portal.cases.models import AdviceKind, AssessmentOutcome, RequestedBy, ReviewDecision
from portal.forms import BaseForm, GovDateField


class DateRequired:
    """A date must be entered. Unlike DataRequired it keeps a more precise error already found
    ("must be a real date") instead of replacing it."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data is None and not field.process_errors:
            raise StopValidation(self.message)


def _date(label: str, what: str, description: str | None = None) -> GovDateField:
    return GovDateField(
        label, validators=[DateRequired(f"Enter {what}")], what=what, description=description
    )


class _ChoiceCheck:
    """Refuse a radio value that is not one of the choices, with the field's own message."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise StopValidation(self.message)


def _choice_radio(label: str, choices: list[SelectChoice], message: str) -> RadioField:
    return RadioField(
        label,
        choices=choices,
        validate_choice=False,
        validators=[InputRequired(message), _ChoiceCheck(message)],
    )


def _school_choices(schools) -> list[SelectChoice]:
    return [SelectChoice("", "Choose a school or setting")] + [
        SelectChoice(str(school.id), school.name) for school in schools
    ]


class OpenCaseForm(BaseForm):
    first_name = StringField(
        "First name",
        validators=[DataRequired("Enter the child's first name"), Length(max=100)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    last_name = StringField(
        "Last name",
        validators=[DataRequired("Enter the child's last name"), Length(max=100)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    date_of_birth = _date("Date of birth", "the child's date of birth")
    school = SelectField(
        "School or setting",
        description="Leave this if the child is not at a school or setting yet.",
        validate_choice=False,
    )
    request_received_on = _date(
        "When did the council receive the request?",
        "the date the request was received",
        description="The 20 weeks start on this day. For example, 27 3 2027",
    )
    requested_by = _choice_radio(
        "Who asked for the assessment?",
        [SelectChoice(r.value, r.label) for r in RequestedBy],
        "Choose who asked for the assessment",
    )

    def __init__(self, *args, schools: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school.choices = _school_choices(schools)
        self._schools = {str(school.id): school for school in schools}

    def validate_school(self, field) -> None:
        if field.data and field.data not in self._schools:
            raise StopValidation("Choose a school or setting from the list")

    @property
    def chosen_school(self):
        return self._schools.get(self.school.data or "")


class AssessmentDecisionForm(BaseForm):
    outcome = _choice_radio(
        "Will the council carry out a needs assessment?",
        [
            SelectChoice(AssessmentOutcome.YES.value, "Yes, carry out a needs assessment"),
            SelectChoice(AssessmentOutcome.NO.value, "No, do not carry out an assessment"),
        ],
        "Choose whether the council will carry out an assessment",
    )
    letter_on = _date("Date of the letter to the family", "the date of the letter")


def _either_chosen_or_typed(chosen, typed, *, neither: str, both: str) -> None:
    """A person or place comes from the list or is typed in: exactly one of the two."""
    if not chosen.data and not typed.data:
        raise StopValidation(neither)
    if chosen.data and typed.data:
        raise StopValidation(both)


class AdviceRequestForm(BaseForm):
    kind = _choice_radio(
        "What kind of advice?",
        [SelectChoice(k.value, k.label) for k in AdviceKind],
        "Choose the kind of advice",
    )
    adviser = SelectField("Who did you ask?", validate_choice=False)
    service_name = StringField(
        "Or, the person or service not on this case",
        description="For example, Northfield Children's Health Service.",
        validators=[Length(max=200)],
    )
    sent_on = _date(
        "When was the request sent?",
        "the date the request was sent",
        description="The advice is due 6 weeks after this day. For example, 27 3 2027",
    )

    def __init__(self, *args, advisers: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.adviser.choices = [SelectChoice("", "Someone not on this case")] + [
            SelectChoice(str(user.id), f"{user.name} ({user.organisation.name})")
            if user.organisation
            else SelectChoice(str(user.id), user.name)
            for user in advisers
        ]
        self._advisers = {str(user.id): user for user in advisers}

    def validate_adviser(self, field) -> None:
        if field.data and field.data not in self._advisers:
            raise StopValidation("Choose someone from the list of people on this case")

    def validate_service_name(self, field) -> None:
        _either_chosen_or_typed(
            self.adviser,
            field,
            neither="Choose someone on this case, or enter the person or service",
            both="Choose someone on this case or enter a name, not both",
        )

    @property
    def chosen_adviser(self):
        return self._advisers.get(self.adviser.data or "")


class AdviceReceivedForm(BaseForm):
    received_on = _date("When did the advice arrive?", "the date the advice was received")


class CorrectAdviceForm(BaseForm):
    arrived = _choice_radio(
        "Has the advice arrived?",
        [
            SelectChoice("yes", "Yes, on the date below"),
            SelectChoice("no", "No, it has not arrived yet"),
        ],
        "Choose whether the advice has arrived",
    )
    received_on = GovDateField(
        "When did the advice arrive?",
        what="the date the advice was received",
        description="Leave this empty if it has not arrived. For example, 27 3 2027",
    )


class FinishAssessmentForm(BaseForm):
    finished_on = _date(
        "When did the assessment finish?",
        "the date the assessment finished",
        description="Usually the day the last advice arrived. For example, 27 3 2027",
    )


class LetterForm(BaseForm):
    """A decision that ends with a letter to the family: its date starts the appeal period."""

    letter_on = _date(
        "Date of the letter to the family",
        "the date of the letter",
        description="The family has 2 months from this date to ask for mediation or appeal.",
    )


class DraftSentForm(BaseForm):
    sent_on = _date(
        "When was the draft plan sent to the family?",
        "the date the draft was sent",
        description="The family's 15 days to comment start on this day. For example, 27 3 2027",
    )


class FamilyCommentsForm(BaseForm):
    received_on = _date(
        "When did the family's comments arrive?", "the date the comments were received"
    )
    school_preference = StringField(
        "Which school or college did they ask for? (optional)",
        validators=[Optional(), Length(max=200)],
    )


class ConsultSchoolForm(BaseForm):
    school = SelectField("School or setting", validate_choice=False)
    school_name = StringField(
        "Or, a school or college not in the list",
        validators=[Length(max=200)],
    )
    consulted_on = _date(
        "When was the school asked?",
        "the date the school was asked",
        description="It has 15 days to reply, counting this day. For example, 27 3 2027",
    )

    def __init__(self, *args, schools: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school.choices = _school_choices(schools)
        self._schools = {str(school.id): school for school in schools}

    def validate_school(self, field) -> None:
        if field.data and field.data not in self._schools:
            raise StopValidation("Choose a school or setting from the list")

    def validate_school_name(self, field) -> None:
        _either_chosen_or_typed(
            self.school,
            field,
            neither="Choose a school from the list or enter its name",
            both="Choose a school from the list or enter a name, not both",
        )

    @property
    def chosen_school(self):
        return self._schools.get(self.school.data or "")


class SchoolReplyForm(BaseForm):
    replied_on = _date("When did the school reply?", "the date the school replied")


class FinalPlanForm(BaseForm):
    issued_on = _date("When was the final plan issued?", "the date the final plan was issued")
    under_five_interval_months = SelectField(
        "How often will the plan be reviewed while the child is under 5?",
        description="Children under 5 have reviews every 3 to 6 months. Older children have one "
        "at least every 12 months.",
        choices=[SelectChoice(str(n), f"Every {n} months") for n in (6, 5, 4, 3)],
        default="6",
    )


class ScheduleReviewForm(BaseForm):
    meeting_on = _date(
        "When is the review meeting?",
        "the date of the review meeting",
        description="Invitations must go out at least 2 weeks before. For example, 27 3 2027",
    )
    closed_day_confirmed = BooleanField("Yes, the meeting is on this day")

    #: Why the chosen day is one most families and schools cannot come (a weekend or a bank
    #: holiday), while the officer has not yet said the date is right: the page warns and asks.
    closed_day: str | None = None

    def validate(self, extra_validators=None) -> bool:
        """A meeting on a weekend or bank holiday is allowed, but only once the officer has seen
        a warning and ticked that the date is right (a mistyped date is the likelier story)."""
        if not super().validate(extra_validators):
            return False
        meeting_on = self.meeting_on.data
        assert meeting_on is not None  # required, and validated above
        reason = dates.closed_day(meeting_on)
        if reason and not self.closed_day_confirmed.data:
            self.closed_day = f"{dates.format_long_date(meeting_on)} is {reason}."
            return False
        return True


class InvitationsForm(BaseForm):
    sent_on = _date("When were the invitations sent?", "the date the invitations were sent")


class ReviewReportForm(BaseForm):
    sent_on = _date("When was the review report sent?", "the date the report was sent")


class ReviewDecisionForm(BaseForm):
    decision = _choice_radio(
        "What did the council decide?",
        [SelectChoice(d.value, d.label) for d in ReviewDecision],
        "Choose what the council decided",
    )
    decided_on = _date(
        "Date of the decision letter",
        "the date of the decision",
        description="A decision to end the plan gives the family 2 months from this date to ask "
        "for mediation or appeal.",
    )


class AmendmentsForm(BaseForm):
    sent_on = _date(
        "When were the proposed changes sent to the family?",
        "the date the proposed changes were sent",
        description="The family has 15 days to comment, counting this day. For example, 27 3 2027",
    )


class AmendmentCommentsForm(BaseForm):
    received_on = _date(
        "When did the family's comments arrive?", "the date the comments were received"
    )


class AmendedPlanForm(BaseForm):
    issued_on = _date("When was the changed plan issued?", "the date the changed plan was issued")
    names_new_school = BooleanField(
        "This plan names the new school or college for a move between phases"
    )


class PhaseTransferForm(BaseForm):
    year = StringField(
        "In which year does the child move?",
        description="The year the child starts at the new school or college. For example, 2028",
        validators=[DataRequired("Enter the year of the move")],
        render_kw={"inputmode": "numeric"},
    )
    kind = _choice_radio(
        "What kind of move?",
        [
            SelectChoice(
                pathway.TransferKind.SCHOOL.value,
                "Into or between schools (for example primary to secondary)",
            ),
            SelectChoice(
                pathway.TransferKind.POST_16.value,
                "From secondary school to a college or other place after 16",
            ),
        ],
        "Choose what kind of move it is",
    )

    def validate_year(self, field) -> None:
        if not field.data.isdigit() or len(field.data) != 4:
            raise StopValidation("Enter the year of the move as 4 numbers, like 2028")

    @property
    def year_number(self) -> int:
        return int(self.year.data)


class LawfulDelayForm(BaseForm):
    reason = _choice_radio(
        "Which lawful reason applies?",
        [],
        "Choose the lawful reason for the delay",
    )
    applies_from = _date(
        "From when does it apply?",
        "the date the reason applies from",
    )
    explanation = TextAreaField(
        "Why can the time limit not be met?",
        description="Say what happened. The family sees the reason chosen above, not this text.",
        validators=[DataRequired("Explain why the time limit cannot be met"), Length(max=2000)],
    )

    def __init__(self, *args, kind: pathway.DeadlineKind, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the lawful reasons for this kind of deadline are offered: staff shortages are
        # never a choice.
        self.reason.choices = [
            SelectChoice(reason.value, pathway.delay_label(reason))
            for reason in pathway.delay_reasons_for(kind)
        ]
