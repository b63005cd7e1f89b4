"""The case officer's pages: open a case, and each action that moves a case along the pathway.

Every action is its own URL: a GET shows the form, a POST calls one service and redirects (303)
to the case page with a success message, or shows the form again with GOV.UK-style errors.
Only the team's case officer may use them (404 for anyone else: they may not know the case
exists); opening a case is for case officers only (403 for anyone else).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from portal import access, clock, pathway
from portal.accounts.models import Organisation, OrganisationKind, Role
from portal.cases import manage_forms as forms
from portal.cases import (
    manage_policy,  # noqa: F401  (registers the access rules)
    services,
)
from portal.cases.facts import CaseRecord, record_for
from portal.cases.models import AdviceRequest, Case, Review, ReviewDecision, SchoolConsultation
from portal.cases.policy import is_team_case_officer
from portal.dates import long_date
from portal.extensions import db
from portal.refusals import NotAllowed, Refused, show_on_form

bp = Blueprint("manage", __name__)

MANAGE = access.Action.MANAGE


# --------------------------------------------------------------------------------------------------
# What the case officer can do next
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionLink:
    """One thing the case officer can do now: a link to its form page."""

    label: str
    url: str
    hint: str = ""


def _url(endpoint: str, case: Case, **values) -> str:
    return url_for(f"manage.{endpoint}", case_id=case.public_id, **values)


def available_actions(record: CaseRecord, today: date) -> list[ActionLink]:
    """The actions open at the case's stage, the usual next step first."""
    case, m = record.case, record.milestones
    stage = pathway.Stage(case.stage)
    actions: list[ActionLink] = []
    add = actions.append

    if stage is pathway.Stage.REQUEST:
        due = pathway.assessment_decision_due(case.request_received_on)
        add(
            ActionLink(
                "Record the decision on assessment",
                _url("decide_assessment", case),
                f"Due by {long_date(due)}",
            )
        )
    elif stage is pathway.Stage.ASSESSMENT:
        add(ActionLink("Ask for advice", _url("request_advice", case)))
        for advice in record.advice_requests:
            if advice.received_on is None:
                due = pathway.advice_due(advice.sent_on)
                add(
                    ActionLink(
                        f"Record advice from {advice.from_whom} as received",
                        _url("advice_received", case, advice_id=advice.public_id),
                        f"Due by {long_date(due)}",
                    )
                )
        add(ActionLink("Finish the assessment", _url("finish_assessment", case)))
    elif stage is pathway.Stage.DECISION:
        add(ActionLink("Send the draft plan", _url("send_draft", case)))
        add(ActionLink("Record a decision not to make a plan", _url("not_issuing", case)))
    elif stage is pathway.Stage.DRAFT:
        if m is None or m.family_comments_on is None:
            add(ActionLink("Record the family's comments", _url("family_comments", case)))
        add(ActionLink("Ask a school about a place", _url("consult_school", case)))
        for consultation in record.consultations:
            if consultation.replied_on is None:
                add(
                    ActionLink(
                        f"Record the reply from {consultation.school_name}",
                        _url("school_reply", case, consultation_id=consultation.public_id),
                    )
                )
        add(ActionLink("Issue the final plan", _url("issue_final_plan", case)))
    elif stage in (pathway.Stage.FINAL, pathway.Stage.REVIEW):
        actions += _review_actions(record, today)
        add(ActionLink("Set a move to a new school or college", _url("phase_transfer", case)))
        if stage is pathway.Stage.REVIEW:
            add(ActionLink("End the plan", _url("end_plan", case)))

    if not pathway.is_closed(stage):
        for deadline in services.exceptable_deadlines(record, today):
            add(
                ActionLink(
                    f"Record an allowed reason for a delay: {deadline.label}",
                    _url("record_exception", case, deadline=services.deadline_slug(deadline.key)),
                )
            )
    return actions


def _review_actions(record: CaseRecord, today: date) -> list[ActionLink]:
    case = record.case
    latest = record.latest_review()
    if latest is None:
        return [ActionLink("Arrange the first review", _url("schedule_review", case))]
    links = []

    def review_link(label: str, endpoint: str) -> None:
        links.append(ActionLink(label, _url(endpoint, case, review_id=latest.public_id)))

    if latest.meeting_on > today:
        if latest.invitations_sent_on is None:
            review_link("Record that the review invitations were sent", "review_invitations")
        return links
    if latest.report_sent_on is None:
        review_link("Record the review report", "review_report")
    if latest.decided_on is None:
        review_link("Record the decision after the review", "review_decision")
        return links
    if latest.decision == ReviewDecision.AMEND:
        if latest.amendments_sent_on is None:
            review_link("Send the proposed changes", "send_amendments")
        elif latest.amended_plan_issued_on is None:
            if latest.amendment_comments_on is None:
                review_link("Record the family's comments on the changes", "amendment_comments")
            review_link("Issue the changed plan", "amended_plan")
    if latest.decision != ReviewDecision.CEASE:
        links.append(ActionLink("Arrange the next review", _url("schedule_review", case)))
    return links


def manage_section(case: Case, user) -> dict | None:
    """The case officer's next steps on the case page; nothing for anyone else."""
    if not is_team_case_officer(user, case):
        return None
    actions = available_actions(record_for(case), clock.today())
    return {
        "actions": actions[:4],
        "more": len(actions) > 4,
        "manage_url": _url("manage_case", case),
    }


# --------------------------------------------------------------------------------------------------
# The shape every action page shares
# --------------------------------------------------------------------------------------------------


def _case_url(case: Case) -> str:
    return url_for("cases.case_page", case_id=case.public_id)


def _action_page(
    form,
    run: Callable[[], str],
    *,
    title: str,
    button: str,
    intro: tuple[str, ...] = (),
    appeal: bool = False,
    template: str = "manage/action.html",
    **context,
):
    """GET: the form. POST: validate, call the service through ``run`` (which returns the success
    message), then redirect 303 to the case page; or show the form again with its errors."""
    case = g.case
    if form.validate_on_submit():
        try:
            message = run()
        except NotAllowed:
            abort(404)
        except Refused as refused:
            show_on_form(form, refused)
        else:
            flash(message, "success")
            return redirect(_case_url(case), 303)
    today = clock.today()
    return render_template(
        template,
        case=case,
        form=form,
        page_title=title,
        button=button,
        intro=intro,
        appeal_until=pathway.appeal_deadline(today) if appeal else None,
        case_url=_case_url(case),
        **context,
    )


def _appeal_message(done: str, letter_on: date) -> str:
    return (
        f"{done} The family can ask for mediation or appeal until "
        f"{long_date(pathway.appeal_deadline(letter_on))}."
    )


def _same_case(part: AdviceRequest | SchoolConsultation | Review) -> None:
    """A part named in the URL must belong to the case named in it."""
    if part.case_id != g.case.id:
        abort(404)


def _schools() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.SCHOOL)
            .order_by(Organisation.name)
        )
    )


# --------------------------------------------------------------------------------------------------
# Opening a case, and the page of everything the case officer can do
# --------------------------------------------------------------------------------------------------


@bp.route("/cases/new", methods=["GET", "POST"])
@access.role_required(Role.CASE_OFFICER)
def open_case():
    """Open a case for a new request for an assessment."""
    form = forms.OpenCaseForm(schools=_schools())
    if form.validate_on_submit():
        try:
            case = services.open_case(
                current_user,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                date_of_birth=form.date_of_birth.data,
                school=form.chosen_school,
                request_received_on=form.request_received_on.data,
                requested_by=form.requested_by.data,
            )
        except NotAllowed:
            abort(403)
        except Refused as refused:
            show_on_form(form, refused)
        else:
            flash(
                f"Case {case.reference} is open for {case.child.full_name}. The decision on "
                "assessment is due by "
                f"{long_date(pathway.assessment_decision_due(case.request_received_on))}.",
                "success",
            )
            return redirect(_case_url(case), 303)
    return render_template("manage/open_case.html", form=form)


@bp.get("/cases/<public_id:case_id>/manage")
@access.load(Case, "case_id", MANAGE)
def manage_case():
    """Everything the case officer can do at this stage, with the case's time limits."""
    case = g.case
    today = clock.today()
    record = record_for(case)
    deadlines = [
        (
            deadline,
            pathway.deadline_status(deadline, today),
            pathway.deadline_phrase(deadline, today),
        )
        for deadline in pathway.case_deadlines(record.facts(today))
    ]
    return render_template(
        "manage/manage_case.html",
        case=case,
        record=record,
        actions=available_actions(record, today),
        deadlines=deadlines,
        stage_label=pathway.stage_label(case.stage, pathway.Audience.CASE_OFFICER),
        status_label=pathway.status_label,
        exception_label=pathway.exception_label,
        case_url=_case_url(case),
    )


# --------------------------------------------------------------------------------------------------
# The request and the assessment
# --------------------------------------------------------------------------------------------------


@bp.route("/cases/<public_id:case_id>/decide-assessment", methods=["GET", "POST"])
@access.load(Case, "case_id", MANAGE)
def decide_assessment():
    """Record yes or no to a needs assessment, with the date of the letter."""
    form = forms.AssessmentDecisionForm()

    def run() -> str:
        services.decide_assessment(
            current_user, g.case, outcome=form.outcome.data, letter_on=form.letter_on.data
        )
        if form.outcome.data == "yes":
            return "The decision to carry out a needs assessment is recorded."
        return _appeal_message("The decision not to assess is recorded.", form.letter_on.data)

    due = pathway.assessment_decision_due(g.case.request_received_on)
    return _action_page(
        form,
        run,
        title="Record the decision on assessment",
        button="Record the decision",
        intro=(f"The family must hear within 6 weeks of the request: by {long_date(due)}.",),
        appeal=True,
    )


@bp.route("/cases/<public_id:case_id>/advice/new", methods=["GET", "POST"])
@access.load(Case, "case_id", MANAGE)
def request_advice():
    """Record a request for advice to someone on the case or a named service."""
    form = forms.AdviceRequestForm(advisers=services.advisers_on_case(g.case))

    def run() -> str:
        advice = services.send_advice_request(
            current_user,
            g.case,
            kind=form.kind.data,
            adviser=form.chosen_adviser,
            service_name=form.service_name.data,
            sent_on=form.sent_on.data,
        )
        due = pathway.advice_due(advice.sent_on)
        return (
            f"The request to {advice.from_whom} is recorded. The advice is due by {long_date(due)}."
        )

    return _action_page(
        form,
        run,
        title="Ask for advice",
        button="Record the request",
        intro=(
            "Each person asked has 6 weeks from the day you asked them. To ask someone through "
            "the portal, give them access to the case first.",
        ),
    )


@bp.route(
    "/cases/<public_id:case_id>/advice/<public_id:advice_id>/received", methods=["GET", "POST"]
)
@access.load(Case, "case_id", MANAGE)
@access.load(AdviceRequest, "advice_id", MANAGE, g_name="advice")
def advice_received():
    """Record the day advice arrived."""
    _same_case(g.advice)
    form = forms.AdviceReceivedForm()

    def run() -> str:
        services.record_advice_received(current_user, g.advice, received_on=form.received_on.data)
        return f"The advice from {g.advice.from_whom} is recorded as received."

    due = pathway.advice_due(g.advice.sent_on)
    return _action_page(
        form,
        run,
        title=f"Record advice from {g.advice.from_whom}",
        button="Record the advice",
        intro=(f"Asked on {long_date(g.advice.sent_on)}. Due by {long_date(due)}.",),
    )


@bp.route("/cases/<public_id:case_id>/finish-assessment", methods=["GET", "POST"])
@access.load(Case, "case_id", MANAGE)
def finish_assessment():
    """Move the case on to deciding about a plan once the advice is in."""
    form = forms.FinishAssessmentForm()
    record = record_for(g.case)
    outstanding = [a.from_whom for a in record.advice_requests if a.received_on is None]

    def run() -> str:
        services.finish_assessment(current_user, g.case, finished_on=form.finished_on.data)
        return "The assessment is finished. Next, decide whether to make a plan."

    intro = ["The case moves on to deciding whether to make a plan."]
    if outstanding:
        intro.append("Advice has not arrived yet from: " + ", ".join(outstanding) + ".")
    return _action_page(
        form, run, title="Finish the assessment", button="Finish the assessment", intro=tuple(intro)
    )


# --------------------------------------------------------------------------------------------------
# The decision on a plan, the draft and the final plan
# --------------------------------------------------------------------------------------------------


@bp.route("/cases/<public_id:case_id>/not-issuing", methods=["GET", "POST"])
@access.load(Case, "case_id", MANAGE)
def not_issuing():
    """Record the decision not to make a plan; the case closes with the right to appeal."""
    form = forms.LetterForm()

    def run() -> str:
        services.notify_not_issuing(current_user, g.case, letter_on=form.letter_on.data)
        return _appeal_message("The decision not to make a plan is recorded.", form.letter_on.data)

    due = pathway.not_issuing_notice_due(g.case.request_received_on)
    return _action_page(
        form,
        run,
        title="Record a decision not to make a plan",
        button="Record the decision",
        intro=(f"The family must hear within 16 weeks of the request: by {long_date(due)}.",),
        appeal=True,
    )


@bp.route("/cases/<public_id:case_id>/send-draft", methods=["GET", "POST"])
@access.load(Case, "case_id", MANAGE)
def send_draft():
    """Record the day the draft plan was sent to the family."""
    form = forms.DraftSentForm()

    def run() -> str:
        services.send_draft(current_user, g.case, sent_on=form.sent_on.data)
        last_day = pathway.draft_comments_due(form.sent_on.data)
        return (
            "The draft plan is recorded as sent. "
            f"The family can comment until {long_date(last_day)}."
        )

    due = pathway.final_plan_due(g.case.request_received_on)
    return _action_page(
        form,
        run,
        title="Send the draft plan",
        button="Record the draft as sent",
        intro=(f"The final plan is due by {long_date(due)}.",),
    )


@bp.route("/cases/<public_id:case_id>/family-comments", methods=["GET", "POST"])
@access.load(Case, "case_id", MANAGE)
def family_comments():
    """Record the family's comments on the draft and the school they asked for."""
    form = forms.FamilyCommentsForm()

    def run() -> str:
        services.record_family_comments(
            current_user,
            g.case,
            received_on=form.received_on.data,
            school_preference=form.school_preference.data,
        )
        return "The family's comments are recorded."

    return _action_page(
        form, run, title="Record the family's comments", button="Record the comments"
    )


@bp.route("/cases/<public_id:case_id>/schools/consult", methods=["GET", "POST"])
@access.load(Case, "case_id", MANAGE)
def consult_school():
    """Record that a school or college was asked if it can meet the child's needs."""
    form = forms.ConsultSchoolForm(schools=_schools())

    def run() -> str:
        consultation = services.consult_school(
            current_user,
            g.case,
            school=form.chosen_school,
            school_name=form.school_name.data,
            consulted_on=form.consulted_on.data,
        )
        due = pathway.school_consultation_due(consultation.consulted_on)
        return (
            f"{consultation.school_name} is recorded as asked. It should reply by {long_date(due)}."
        )

    return _action_page(form, run, title="Ask a school about a place", button="Record the request")


@bp.route(
    "/cases/<public_id:case_id>/schools/<public_id:consultation_id>/reply",
    methods=["GET", "POST"],
)
@access.load(Case, "case_id", MANAGE)
@access.load(SchoolConsultation, "consultation_id", MANAGE, g_name="consultation")
def school_reply():
    """Record the day a consulted school replied."""
    _same_case(g.consultation)
    form = forms.SchoolReplyForm()

    def run() -> str:
        services.record_school_reply(current_user, g.consultation, replied_on=form.replied_on.data)
        return f"The reply from {g.consultation.school_name} is recorded."

    return _action_page(
        form,
        run,
        title=f"Record the reply from {g.consultation.school_name}",
        button="Record the reply",
    )


@bp.route("/cases/<public_id:case_id>/issue-final-plan", methods=["GET", "POST"])
@access.load(Case, "case_id", MANAGE)
def issue_final_plan():
    """Record the day the final plan was issued."""
    form = forms.FinalPlanForm()

    def run() -> str:
        services.issue_final_plan(
            current_user,
            g.case,
            issued_on=form.issued_on.data,
            under_five_interval_months=int(form.under_five_interval_months.data),
        )
        return "The final plan is recorded as issued."

    due = pathway.final_plan_due(g.case.request_received_on)
    return _action_page(
        form,
        run,
        title="Issue the final plan",
        button="Record the final plan as issued",
        intro=(f"The final plan is due within 20 weeks of the request: by {long_date(due)}.",),
    )


# --------------------------------------------------------------------------------------------------
# Reviews and amendments
# --------------------------------------------------------------------------------------------------


@bp.route("/cases/<public_id:case_id>/reviews/new", methods=["GET", "POST"])
@access.load(Case, "case_id", MANAGE)
def schedule_review():
    """Arrange a review meeting."""
    form = forms.ScheduleReviewForm()

    def run() -> str:
        review = services.schedule_review(current_user, g.case, meeting_on=form.meeting_on.data)
        invite_by = pathway.review_invitations_due(review.meeting_on)
        arranged = f"The review meeting on {long_date(review.meeting_on)} is arranged."
        if invite_by < clock.today():
            # A meeting recorded after the event: the invitations date is history, not a task.
            return f"{arranged} The invitations were due by {long_date(invite_by)}."
        return f"{arranged} Send the invitations by {long_date(invite_by)}."

    return _action_page(form, run, title="Arrange a review", button="Arrange the review")


def _review_route(path: str):
    """Decorators for a review action URL: the case and its review, both for the case officer."""

    def decorate(view):
        view = access.load(Review, "review_id", MANAGE, g_name="review")(view)
        view = access.load(Case, "case_id", MANAGE)(view)
        return bp.route(
            f"/cases/<public_id:case_id>/reviews/<public_id:review_id>/{path}",
            methods=["GET", "POST"],
        )(view)

    return decorate


def _review_page(form, run: Callable[[], str], *, title: str, button: str, intro=(), **kw):
    """The review actions share one shape: the meeting date first, then the form."""
    _same_case(g.review)
    meeting = f"Review meeting: {long_date(g.review.meeting_on)}."
    return _action_page(form, run, title=title, button=button, intro=(meeting, *intro), **kw)


@_review_route("invitations")
def review_invitations():
    """Record the day the review invitations were sent."""
    form = forms.InvitationsForm()

    def run() -> str:
        services.record_review_invitations(current_user, g.review, sent_on=form.sent_on.data)
        return "The review invitations are recorded as sent."

    due = pathway.review_invitations_due(g.review.meeting_on)
    return _review_page(
        form,
        run,
        title="Record the review invitations",
        button="Record the invitations",
        intro=(
            "Invitations and requests for advice go out at least 2 weeks before the meeting: "
            f"by {long_date(due)}.",
        ),
    )


@_review_route("report")
def review_report():
    """Record the day the review report was sent."""
    form = forms.ReviewReportForm()

    def run() -> str:
        services.record_review_report(current_user, g.review, sent_on=form.sent_on.data)
        return "The review report is recorded as sent."

    due = pathway.review_report_due(g.review.meeting_on)
    return _review_page(
        form,
        run,
        title="Record the review report",
        button="Record the report",
        intro=(f"The report is due within 2 weeks of the meeting: by {long_date(due)}.",),
    )


@_review_route("decision")
def review_decision():
    """Record the decision after a review: keep, amend or cease the plan."""
    form = forms.ReviewDecisionForm()

    def run() -> str:
        review = services.record_review_decision(
            current_user, g.review, decision=form.decision.data, decided_on=form.decided_on.data
        )
        if review.decision == ReviewDecision.CEASE:
            return _appeal_message(
                "The decision to end the plan is recorded. Next, send the letter ending it.",
                form.decided_on.data,
            )
        return "The decision after the review is recorded."

    due = pathway.review_decision_due(g.review.meeting_on)
    return _review_page(
        form,
        run,
        title="Record the decision after the review",
        button="Record the decision",
        intro=(f"The decision is due within 4 weeks of the meeting: by {long_date(due)}.",),
        appeal=True,
    )


@_review_route("send-amendments")
def send_amendments():
    """Record the day the proposed changes were sent to the family."""
    form = forms.AmendmentsForm()

    def run() -> str:
        services.send_amendments(current_user, g.review, sent_on=form.sent_on.data)
        last_day = pathway.amendment_comments_due(form.sent_on.data)
        return (
            "The proposed changes are recorded as sent. The family can comment until "
            f"{long_date(last_day)}."
        )

    return _review_page(
        form, run, title="Send the proposed changes", button="Record the changes as sent"
    )


@_review_route("amendment-comments")
def amendment_comments():
    """Record the day the family's comments on the proposed changes arrived."""
    form = forms.AmendmentCommentsForm()

    def run() -> str:
        services.record_amendment_comments(
            current_user, g.review, received_on=form.received_on.data
        )
        return "The family's comments on the changes are recorded."

    return _review_page(
        form,
        run,
        title="Record the family's comments on the changes",
        button="Record the comments",
    )


@_review_route("amended-plan")
def amended_plan():
    """Record the day the changed plan was issued."""
    form = forms.AmendedPlanForm()

    def run() -> str:
        services.issue_amended_plan(
            current_user,
            g.review,
            issued_on=form.issued_on.data,
            names_new_school=form.names_new_school.data,
        )
        return "The changed plan is recorded as issued."

    sent = g.review.amendments_sent_on
    intro = ()
    if sent is not None:
        due = pathway.amended_plan_due(sent)
        intro = (f"It is due within 8 weeks of the proposed changes: by {long_date(due)}.",)
    return _review_page(
        form,
        run,
        title="Issue the changed plan",
        button="Record the changed plan as issued",
        intro=intro,
    )


# --------------------------------------------------------------------------------------------------
# Phase transfer, ending the plan, exceptions
# --------------------------------------------------------------------------------------------------


@bp.route("/cases/<public_id:case_id>/phase-transfer", methods=["GET", "POST"])
@access.load(Case, "case_id", MANAGE)
def phase_transfer():
    """Record the year the child moves to a new school or college."""
    form = forms.PhaseTransferForm()

    def run() -> str:
        services.set_phase_transfer(
            current_user, g.case, year=form.year_number, kind=form.kind.data
        )
        due = pathway.phase_transfer_due(form.year_number, form.kind.data)
        return (
            "The move is recorded. The plan naming the new school or college is due by "
            f"{long_date(due)}."
        )

    return _action_page(
        form,
        run,
        title="Set a move to a new school or college",
        button="Record the move",
        intro=(
            "The changed plan naming the new place is due by 15 February of the year of the "
            "move, or 31 March for a move from secondary school to a college or other place "
            "after 16.",
        ),
    )


@bp.route("/cases/<public_id:case_id>/end-plan", methods=["GET", "POST"])
@access.load(Case, "case_id", MANAGE)
def end_plan():
    """End (cease) the plan, with the date of the letter; the case closes."""
    form = forms.LetterForm()

    def run() -> str:
        services.cease_plan(current_user, g.case, letter_on=form.letter_on.data)
        return _appeal_message("The plan has ended.", form.letter_on.data)

    return _action_page(
        form,
        run,
        title="End the plan",
        button="End the plan",
        intro=("The case closes. Check the letter gives the reasons.",),
        appeal=True,
    )


@bp.route(
    "/cases/<public_id:case_id>/deadlines/<slug:deadline>/record-exception",
    methods=["GET", "POST"],
)
@access.load(Case, "case_id", MANAGE)
def record_exception(deadline: str):
    """Record a lawful reason a time limit cannot be met."""
    found = services.find_deadline(record_for(g.case), deadline)
    if found is None:
        abort(404)
    form = forms.ExceptionForm(kind=found.kind)

    def run() -> str:
        services.record_exception(
            current_user,
            g.case,
            deadline_key=found.key,
            reason=form.reason.data,
            applies_from=form.applies_from.data,
            explanation=form.explanation.data,
        )
        return f"The reason for the delay to '{found.label}' is recorded."

    return _action_page(
        form,
        run,
        title="Record an allowed reason for a delay",
        button="Record the reason",
        intro=(
            f"Time limit: {found.label}, due by {long_date(found.due)}.",
            "Only the reasons the law allows can be recorded. Staff shortages are not one of them.",
        ),
    )
