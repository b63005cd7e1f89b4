"""The `casework` blueprint: every URL of the council's steps, listed in one place.

The views live in `portal.casework.views`, one module a phase, each declaring its access rule with
its decorators; this module gives them their URLs. The URLs sit under the case's own address
(`/cases/<case>/…`) so the case officer never leaves the case.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint

from portal.casework.views import assessment, lawful_delays, overview, plan, review

bp = Blueprint("casework", __name__)

_GET = ["GET"]
_FORM = ["GET", "POST"]
_CASE = "/cases/<public_id:case_id>"
_REVIEW = f"{_CASE}/reviews/<public_id:review_id>"

ROUTES: tuple[tuple[str, Callable, list[str]], ...] = (
    # Opening a case, and the page of everything the case officer can do on it
    ("/cases/new", overview.open_case, _FORM),
    (f"{_CASE}/manage", overview.manage_case, _GET),
    # The request and the assessment
    (f"{_CASE}/decide-assessment", assessment.decide_assessment, _FORM),
    (f"{_CASE}/advice/new", assessment.request_advice, _FORM),
    (f"{_CASE}/advice/<public_id:advice_id>/received", assessment.advice_received, _FORM),
    (f"{_CASE}/advice/<public_id:advice_id>/correct", assessment.correct_advice, _FORM),
    (f"{_CASE}/finish-assessment", assessment.finish_assessment, _FORM),
    # The decision on a plan, the draft and the final plan
    (f"{_CASE}/not-issuing", plan.not_issuing, _FORM),
    (f"{_CASE}/send-draft", plan.send_draft, _FORM),
    (f"{_CASE}/family-comments", plan.family_comments, _FORM),
    (f"{_CASE}/schools/consult", plan.consult_school, _FORM),
    (f"{_CASE}/schools/<public_id:consultation_id>/reply", plan.school_reply, _FORM),
    (f"{_CASE}/issue-final-plan", plan.issue_final_plan, _FORM),
    # Reviews and amendments, phase transfer, ending the plan
    (f"{_CASE}/reviews/new", review.schedule_review, _FORM),
    (f"{_REVIEW}/invitations", review.review_invitations, _FORM),
    (f"{_REVIEW}/report", review.review_report, _FORM),
    (f"{_REVIEW}/decision", review.review_decision, _FORM),
    (f"{_REVIEW}/send-amendments", review.send_amendments, _FORM),
    (f"{_REVIEW}/amendment-comments", review.amendment_comments, _FORM),
    (f"{_REVIEW}/amended-plan", review.amended_plan, _FORM),
    (f"{_CASE}/phase-transfer", review.phase_transfer, _FORM),
    (f"{_CASE}/end-plan", review.end_plan, _FORM),
    # Lawful delays
    (
        f"{_CASE}/deadlines/<slug:deadline>/record-exception",
        lawful_delays.record_lawful_delay,
        _FORM,
    ),
)

for _rule, _view, _methods in ROUTES:
    bp.add_url_rule(_rule, view_func=_view, methods=_methods)
