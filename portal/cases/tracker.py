"""What a case looks like to the person reading it: the read side of the case tracker.

Functions over a case, its facts (`portal.cases.facts`), the rules (`portal.pathway`) and the
published pathway pages (`portal.content.pages`): whose words to use (the audience), the one
deadline to show for a case, the "Where we are" panel, the visual pathway with dates, who to
contact and who can see the case. No writes here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app
from markupsafe import Markup

from portal import pathway
from portal.accounts.models import Role, User
from portal.cases.facts import CaseRecord
from portal.cases.models import Case, CaseGrant, CaseSchedule
from portal.content.pages import PublishedPage, page_paragraph, pathway_text
from portal.dates import days_until, long_date
from portal.pathway import Audience, Deadline, Stage, Status, StepState
from portal.pathway.next_step import next_step_words


def content_text(text: pathway.ContentText, page: PublishedPage | None, section: str) -> str:
    """The panel's words: the first paragraph under `section` of the published pathway page when
    there is one, else the built-in default."""
    published = page_paragraph(page, section) if page is not None else None
    return published or text.default


def panel_page(stage: Stage, audience: Audience) -> PublishedPage | None:
    """The published pathway page whose words the panel uses. Case officers keep the built-in
    wording: content has no case-officer pages, and the professionals' pages speak to schools."""
    if audience is Audience.CASE_OFFICER:
        return None
    return pathway_text(stage, audience)


# --- One deadline per case, with its status in words ------------------------------------------

#: CSS modifier for each status. Always shown beside the status in words, never alone.
_STATUS_CLASSES = {
    Status.LATE: "portal-deadline--late",
    Status.MET_LATE: "portal-deadline--late",
    Status.DUE_SOON: "portal-deadline--due-soon",
    Status.DUE: "portal-deadline--on-time",
    Status.MET_ON_TIME: "portal-deadline--on-time",
}


@dataclass(frozen=True)
class DeadlineView:
    """A deadline as a page shows it: what, when, how far away, and its status in words."""

    deadline: Deadline
    status: Status
    phrase: str  # "in 5 days", "3 days late", "done on time"...
    audience: Audience | None = None  # whose words; the family reads its own dates as "your"

    @property
    def label(self) -> str:
        return label_for(self.deadline, self.audience)

    @property
    def due(self) -> date:
        return self.deadline.due

    @property
    def status_label(self) -> str:
        return pathway.status_label(self.status)

    @property
    def status_class(self) -> str:
        return _STATUS_CLASSES.get(self.status, "")

    @property
    def delay_label(self) -> str | None:
        if self.deadline.delay is None or self.deadline.is_family_window:
            return None
        return pathway.delay_label(self.deadline.delay)

    @property
    def is_late(self) -> bool:
        return self.status is Status.LATE

    @property
    def is_due_soon(self) -> bool:
        return self.status is Status.DUE_SOON


# How every page writes a deadline, always in words (template globals). Python, not Jinja macros:
# a caseload draws two for each of its 25 rows, and each macro call cost about 25 Python calls
# (the htmx caseload fragment makes about 6% fewer calls a request). The values are escaped.
def due_when(view: DeadlineView) -> Markup:
    """The date in bold and how far away it is: "Friday 12 March 2027 (in 5 days)"."""
    # `%` escapes each value; `Markup.format` would too, but through `string.Formatter`, in Python.
    return Markup("<strong>%s</strong> (%s)") % (long_date(view.due), view.phrase)


def deadline_tag(view: DeadlineView, always: bool = False) -> Markup:
    """The status in bold ("Late", "Due soon", "Delayed for an allowed reason", "Done late");
    nothing for a deadline that is simply due unless `always`. The colour class only repeats
    the words."""
    if not always and view.status == Status.DUE:
        return Markup("")
    return Markup('<strong class="%s">%s</strong>') % (view.status_class, view.status_label)


#: The family's own dates, in the second person for the family reading them.
_YOUR_LABELS: dict[pathway.DeadlineKind, str] = {
    pathway.DeadlineKind.DRAFT_COMMENTS: "Your comments on the draft plan",
    pathway.DeadlineKind.AMENDMENT_COMMENTS: "Your comments on the proposed changes",
    pathway.DeadlineKind.APPEAL: "Your last day to ask for mediation or appeal",
}


def label_for(deadline: Deadline, audience: Audience | str | None) -> str:
    """A deadline's words for this reader: the family reads its own windows as "your"."""
    if audience in (Audience.PARENT, Audience.YOUNG_PERSON):
        return _YOUR_LABELS.get(deadline.kind, deadline.label)
    return deadline.label


def deadline_view(
    deadline: Deadline, today: date, audience: Audience | None = None
) -> DeadlineView:
    return DeadlineView(
        deadline,
        pathway.deadline_status(deadline, today),
        pathway.deadline_phrase(deadline, today),
        audience,
    )


def open_dates(facts: pathway.CaseFacts, today: date, audience: Audience) -> list[DeadlineView]:
    """Every date still open at the case's stage, soonest first, in the reader's words: each
    adviser's, the family's own and the council's (the week-16 and week-20 dates). A family
    window that has ended is left out (nothing more can happen in it)."""
    views = []
    for deadline in pathway.case_deadlines(facts):
        if deadline.met_on is not None:
            continue
        if deadline.is_family_window and days_until(deadline.due, today) < 0:
            continue
        views.append(deadline_view(deadline, today, audience))
    return sorted(views, key=lambda view: view.due)


@dataclass(frozen=True)
class CaseSummary:
    """One row of a caseload: the case and the next thing due."""

    case: Case
    next: DeadlineView | None

    @property
    def next_due(self) -> date | None:
        return self.next.due if self.next else None

    def stage_label(self, audience: Audience | str) -> str:
        return pathway.stage_label(self.case.stage, audience)


def summarise(case: Case, facts: pathway.CaseFacts, today: date) -> CaseSummary:
    """The case with the single deadline the tracker shows for its current stage."""
    upcoming = pathway.next_deadline(facts, today)
    return CaseSummary(case, deadline_view(upcoming, today) if upcoming else None)


def summarise_stored(case: Case, stored: CaseSchedule, today: date) -> CaseSummary:
    """The same summary from the case's stored next deadline (kept up to date by
    `portal.cases.schedule` from the same rules), without loading the case's facts: how a
    caseload draws its rows."""
    if stored.next_key is None or stored.next_due_on is None:
        return CaseSummary(case, None)
    upcoming = Deadline(
        key=stored.next_key,
        kind=pathway.DeadlineKind(stored.next_key.split(":", 1)[0]),
        label=stored.next_label or "",
        due=stored.next_due_on,
        delay=pathway.DelayReason(stored.next_delay) if stored.next_delay else None,
    )
    return CaseSummary(case, deadline_view(upcoming, today))


# --- The case page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """Who to contact about a case: the case officer, or the council's team if none yet."""

    name: str
    phone: str | None
    email: str
    is_case_officer: bool


def contact_for(case: Case) -> Contact:
    officer = case.case_officer
    if officer is not None and officer.active:
        return Contact(officer.name, officer.phone, officer.email, True)
    config = current_app.config
    return Contact(
        f"The {config['COUNCIL_NAME']} special educational needs team",
        config["COUNCIL_CONTACT_PHONE"],
        config["COUNCIL_CONTACT_EMAIL"],
        False,
    )


def _letter_for_no(record: CaseRecord) -> date | None:
    """The date of the letter with a "no" decision (not assessing, not issuing, ending the plan)."""
    m = record.milestones
    if m is None:
        return None
    return {
        Stage.NOT_ASSESSING: m.assessment_decided_on,
        Stage.NOT_ISSUING: m.not_issuing_notified_on,
        Stage.CEASED: m.ceased_on,
    }.get(Stage(record.case.stage))


@dataclass(frozen=True)
class RightToAppeal:
    """The right to mediation and appeal after a "no" decision, and its last day if the letter's
    date is known."""

    letter_on: date | None
    last_day: date | None
    status: Status | None


def right_to_appeal(record: CaseRecord, today: date) -> RightToAppeal | None:
    """For a closed "no" outcome: the family's right to mediation and appeal (2 months from the
    letter, or 1 month from a mediation certificate, whichever is later). None otherwise."""
    stage = Stage(record.case.stage)
    if stage not in pathway.APPEALABLE_STAGES:
        return None
    letter_on = _letter_for_no(record)
    if letter_on is None:
        return RightToAppeal(None, None, None)
    last_day = pathway.appeal_deadline(letter_on)
    status = pathway.deadline_status(
        Deadline("appeal", pathway.DeadlineKind.APPEAL, "", last_day), today
    )
    return RightToAppeal(letter_on, last_day, status)


@dataclass(frozen=True)
class WhereWeAre:
    """The panel at the top of a case page: where, what next and by when, what to do, who to
    contact."""

    stage: Stage
    stage_label: str
    next_text: str
    todo_text: str
    next: DeadlineView | None
    contact: Contact
    appeal: RightToAppeal | None
    dates: tuple[DeadlineView, ...] = ()  # every open date, soonest first

    @property
    def other_dates(self) -> tuple[DeadlineView, ...]:
        """The open dates besides the next one."""
        return tuple(
            view
            for view in self.dates
            if self.next is None or view.deadline.key != self.next.deadline.key
        )


def _next_text(
    facts: pathway.CaseFacts,
    today: date,
    stage: Stage,
    audience: Audience,
    page: PublishedPage | None,
) -> str:
    """The real next step within the stage when the facts show one (for example "the review
    meeting has been held: the report is next"), else the stage's words (published or built-in).
    Either comes from the published pathway page when it has a section for it."""
    within = next_step_words(facts, today, audience)
    if within is not None:
        published = page_paragraph(page, within.heading) if page is not None else None
        return published or within.default
    return content_text(pathway.next_step_text(stage, audience), page, "What happens next")


def where_we_are(record: CaseRecord, facts: pathway.CaseFacts, user: User, today: date):
    audience = Role(user.role).audience
    stage = Stage(record.case.stage)
    upcoming = pathway.next_deadline(facts, today)
    page = panel_page(stage, audience)  # read once a request; the stage text section reuses it
    return WhereWeAre(
        stage=stage,
        stage_label=pathway.stage_label(stage, audience),
        next_text=_next_text(facts, today, stage, audience, page),
        todo_text=content_text(pathway.todo_text(stage, audience), page, "What you can do"),
        next=deadline_view(upcoming, today, audience) if upcoming else None,
        contact=contact_for(record.case),
        appeal=right_to_appeal(record, today),
        dates=tuple(open_dates(facts, today, audience)),
    )


@dataclass(frozen=True)
class StepView:
    """One step of the visual pathway with a short dated phrase where a date is known."""

    step: pathway.PathwayStep
    date_phrase: str | None = None
    general: bool = False  # the public pathway: no case, so the step number instead of a state

    @property
    def state_label(self) -> str:
        if self.general:
            return f"Step {self.step.number} of {len(pathway.MAIN_STAGES)}"
        return pathway.step_state_label(self.step.state)

    @property
    def css_state(self) -> str:
        return self.step.state.value.replace("_", "-")


def _dated(words: str, when: date | None) -> str | None:
    return f"{words} {long_date(when)}" if when else None


#: How long each step can take, for the general pathway on the public page.
_GENERAL_TIMING: dict[Stage, str] = {
    Stage.REQUEST: "The council decides by week 6",
    Stage.ASSESSMENT: "Each person asked has 6 weeks to give advice",
    Stage.DECISION: "If there will be no plan, you hear by week 16",
    Stage.DRAFT: "You have 15 days to comment",
    Stage.FINAL: "The final plan is due by week 20",
    Stage.REVIEW: "At least once a year",
}


def general_pathway(audience: Audience | str = Audience.PARENT) -> list[StepView]:
    """The pathway for no case in particular (the public "The EHC pathway" page)."""
    return [
        StepView(step, _GENERAL_TIMING.get(step.stage), general=True)
        for step in pathway.pathway_steps(None, audience)
    ]


def pathway_for(
    record: CaseRecord, facts: pathway.CaseFacts, audience: Audience | str
) -> list[StepView]:
    """This case's visual pathway, each step with its state in words and the date it happened
    (done, now) or is due by (to come), where known."""
    m = record.milestones
    received = facts.request_received_on
    happened: dict[Stage, str | None] = {
        Stage.REQUEST: _dated("Received", received),
        Stage.ASSESSMENT: _dated("Started", m.assessment_decided_on if m else None),
        Stage.DECISION: _dated("Started", m.assessment_finished_on if m else None),
        Stage.DRAFT: _dated("Sent", facts.draft_sent_on),
        Stage.FINAL: _dated("Issued", facts.final_issued_on),
        Stage.REVIEW: _dated("Last review", facts.last_review_on),
        Stage.CEASED: _dated("Ended", facts.ceased_on),
    }
    due_by: dict[Stage, date] = {
        Stage.ASSESSMENT: pathway.assessment_decision_due(received),
        Stage.FINAL: pathway.final_plan_due(received),
    }
    steps = []
    for step in pathway.pathway_steps(facts.stage, audience):
        if step.state in (StepState.DONE, StepState.NOW):
            phrase = happened.get(step.stage)
        elif step.state is StepState.TO_COME and step.stage in due_by:
            phrase = _dated("Due by", due_by[step.stage])
        else:
            phrase = None
        steps.append(StepView(step, phrase))
    return steps


@dataclass(frozen=True)
class PersonOnCase:
    """A line of "Who can see this case": who, how they relate to the child, what they may do."""

    name: str
    relationship: str
    organisation: str | None
    may: list[str]


def people_on_case(case: Case, grants: Sequence[CaseGrant]) -> list[PersonOnCase]:
    """Everyone holding a live grant, and the case officer, with what each may do in words."""
    people = []
    if case.case_officer is not None:
        people.append(
            PersonOnCase(
                case.case_officer.name,
                "Case officer",
                # The council's name, not the team's (team names are full of acronyms).
                current_app.config["COUNCIL_NAME"],
                ["runs the case", "can see documents", "can add documents", "can post updates"],
            )
        )
    for grant in grants:
        may = ["can see the case"]
        if grant.can_view_documents:
            may.append("can see documents")
        if grant.can_add_documents:
            may.append("can add documents")
        if grant.can_post_updates:
            may.append("can post updates")
        organisation = grant.user.organisation
        people.append(
            PersonOnCase(
                grant.user.name,
                grant.relationship_enum.label,
                organisation.name if organisation is not None else None,
                may,
            )
        )
    return people


def case_deadline_table(facts: pathway.CaseFacts, today: date) -> list[DeadlineView]:
    """Every deadline of the case at its stage, with its status (for the case officer)."""
    return [deadline_view(d, today) for d in pathway.case_deadlines(facts)]


# --- "If you disagree", at every stage, for the family ------------------------------------------

#: What a family can do at each open stage if they disagree (the closed "no" outcomes show the
#: right to appeal instead: `right_to_appeal`).
_DISAGREE_PARENT: dict[Stage, str] = {
    Stage.REQUEST: (
        "If you do not agree with what the council decides, you can challenge it. "
        "Talk to your case officer first."
    ),
    Stage.ASSESSMENT: (
        "If someone who knows your child has not been asked for advice, or you disagree with "
        "a report, tell your case officer. You can send your own views at any time."
    ),
    Stage.DECISION: (
        "If the council decides not to make a plan, you can ask for mediation and appeal to "
        "a tribunal. You have 2 months from the date on the letter."
    ),
    Stage.DRAFT: (
        "You have at least 15 days to comment on the draft plan. Tell your case officer what "
        "is wrong or missing, and which school you want. You can ask for a meeting."
    ),
    Stage.FINAL: (
        "If you disagree with the final plan (the needs, the help or the school named), you "
        "can ask for mediation and appeal to a tribunal within 2 months of the letter."
    ),
    Stage.REVIEW: (
        "Say what you think at the review meeting, or in writing. If the council suggests "
        "changes, you have at least 15 days to comment. You can appeal its decision."
    ),
}

_DISAGREE_YOUNG_PERSON = (
    "If you do not agree with something, tell the person at the council who looks after your "
    "plan, or an adult you trust. You can get free help to say what you think."
)


def disagree_text(stage: Stage | str, audience: Audience | str) -> str | None:
    """What the family reader can do if they disagree at this stage; None for professionals
    and for the closed outcomes (which show the right to appeal and its last day)."""
    stage = Stage(stage)
    if stage not in _DISAGREE_PARENT:
        return None
    if audience == Audience.YOUNG_PERSON:
        return _DISAGREE_YOUNG_PERSON
    if audience == Audience.PARENT:
        return _DISAGREE_PARENT[stage]
    return None
