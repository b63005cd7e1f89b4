"""What the case officer can do next on a case: the steps open at its stage, the usual next one
first. Domain logic over the case's record; the pages only show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for

from portal import clock, pathway
from portal.cases.facts import CaseRecord, page_record
from portal.cases.models import Case, ReviewDecision
from portal.cases.policy import is_team_case_officer
from portal.casework.steps.lawful_delays import deadline_slug, delayable_deadlines
from portal.dates import long_date


@dataclass(frozen=True)
class ActionLink:
    """One thing the case officer can do now: a link to its form page."""

    label: str
    url: str
    hint: str = ""


def _url(endpoint: str, case: Case, **values) -> str:
    return url_for(f"casework.{endpoint}", case_id=case.public_id, **values)


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
            else:
                add(
                    ActionLink(
                        f"Correct the advice from {advice.from_whom}",
                        _url("correct_advice", case, advice_id=advice.public_id),
                        f"Recorded as received on {long_date(advice.received_on)}",
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
        for deadline in delayable_deadlines(record, today):
            add(
                ActionLink(
                    f"Record an allowed reason for a delay: {deadline.label}",
                    _url("record_lawful_delay", case, deadline=deadline_slug(deadline.key)),
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


def next_steps_section(case: Case, user) -> dict | None:
    """The case officer's next steps on the case page; nothing for anyone else."""
    if not is_team_case_officer(user, case):
        return None
    actions = available_actions(page_record(case), clock.today())
    return {
        "actions": actions[:4],
        "more": len(actions) > 4,
        "manage_url": _url("manage_case", case),
    }
