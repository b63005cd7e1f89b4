"""The council's statutory steps tell the right people, and only them: a decision, a request
for advice, the draft plan, the final plan and a review meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g

from portal import clock, pathway
from portal.cases.models import Relationship
from portal.casework.steps import assessment, plan, review
from portal.extensions import db
from portal.notifications.kinds import Choice, EmailStatus, Kind
from portal.notifications.models import NoticePreference
from tests import factories
from tests.notifications.conftest import notices_of, told


def _days_ago(n: int):
    return clock.today() - timedelta(days=n)


@pytest.fixture
def on_case(app, family_case, psychologist, case_officer):
    """The family's case with the psychologist on it as well."""
    factories.grant(family_case, psychologist, Relationship.EDUCATIONAL_PSYCHOLOGIST)
    db.session.commit()
    return family_case


def _step(app, call, *args, **kwargs):
    with app.test_request_context():
        g.pop("_grants", None)
        return call(*args, **kwargs)


def test_each_step_tells_everyone_on_the_case_but_the_officer_who_did_it(
    app, on_case, case_officer, parent, young_person, senco, psychologist, parent2
):
    """Decision, stage change, draft, final plan and review: the family, the school and the
    psychologist are told; the officer who acted is not; another family never is."""
    everyone = {parent.id, young_person.id, senco.id, psychologist.id}
    _step(
        app,
        assessment.decide_assessment,
        case_officer,
        on_case,
        outcome="yes",
        letter_on=_days_ago(20),
    )
    assert told(Kind.DECISION_MADE, on_case) == everyone
    _step(app, assessment.finish_assessment, case_officer, on_case, finished_on=_days_ago(18))
    assert told(Kind.STAGE_CHANGED, on_case) == everyone
    _step(app, plan.send_draft, case_officer, on_case, sent_on=_days_ago(17))
    assert told(Kind.DRAFT_SENT, on_case) == everyone
    (draft,) = notices_of(parent, Kind.DRAFT_SENT)
    assert draft.due_on == pathway.draft_comments_due(_days_ago(17))
    _step(app, plan.issue_final_plan, case_officer, on_case, issued_on=_days_ago(1))
    assert told(Kind.PLAN_ISSUED, on_case) == everyone
    meeting = clock.today() + timedelta(days=40)
    _step(app, review.schedule_review, case_officer, on_case, meeting_on=meeting)
    assert told(Kind.REVIEW_ARRANGED, on_case) == everyone
    assert notices_of(parent, Kind.REVIEW_ARRANGED)[0].due_on == meeting
    assert notices_of(case_officer) == [] and notices_of(parent2) == []


def test_an_advice_request_tells_the_person_asked_and_nobody_else(
    app, on_case, case_officer, parent, senco, psychologist
):
    """Only the psychologist hears they were asked, with the date it is due."""
    _step(
        app,
        assessment.decide_assessment,
        case_officer,
        on_case,
        outcome="yes",
        letter_on=_days_ago(20),
    )
    _step(
        app,
        assessment.send_advice_request,
        case_officer,
        on_case,
        kind="psychological",
        adviser=psychologist,
        service_name=None,
        sent_on=_days_ago(19),
    )
    assert told(Kind.ADVICE_REQUESTED, on_case) == {psychologist.id}
    (notice,) = notices_of(psychologist, Kind.ADVICE_REQUESTED)
    assert notice.due_on == pathway.advice_due(_days_ago(19))


def test_a_revoked_person_hears_nothing_of_the_next_step(app, on_case, case_officer, parent, senco):
    """The school's access ended: the decision reaches the family, not the school."""
    grant = next(gr for gr in on_case.grants if gr.user_id == senco.id)
    grant.revoked_at = clock.utcnow()
    db.session.commit()
    _step(
        app,
        assessment.decide_assessment,
        case_officer,
        on_case,
        outcome="yes",
        letter_on=_days_ago(20),
    )
    assert senco.id not in told(Kind.DECISION_MADE, on_case)
    assert parent.id in told(Kind.DECISION_MADE, on_case)


def test_the_draft_reaches_the_family_by_email_even_if_they_chose_no_email(
    app, on_case, case_officer, parent, senco
):
    """Statutory: the family's draft-plan email is sent straight away whatever their choice;
    the school's choice of no email is respected."""
    for person in (parent, senco):
        db.session.add(NoticePreference(user_id=person.id, kind=Kind.DRAFT_SENT, choice=Choice.OFF))
    db.session.commit()
    _step(
        app,
        assessment.decide_assessment,
        case_officer,
        on_case,
        outcome="yes",
        letter_on=_days_ago(20),
    )
    _step(app, assessment.finish_assessment, case_officer, on_case, finished_on=_days_ago(18))
    _step(app, plan.send_draft, case_officer, on_case, sent_on=_days_ago(17))
    assert notices_of(parent, Kind.DRAFT_SENT)[0].email_status == EmailStatus.PENDING
    assert notices_of(senco, Kind.DRAFT_SENT)[0].email_status == EmailStatus.NONE
