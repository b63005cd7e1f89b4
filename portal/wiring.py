"""What ties the packages together, listed in one place and installed by `create_app`.

- `ACCESS_RULES`: for each kind of object, the function that decides who may do what to it
  (`portal.access.can` asks it). A kind of object missing here is denied to everyone.
- `CASE_SECTIONS`: the sections feature packages add to the case page, in the order shown.
- `EVENT_OBSERVERS`: told of every event as it is recorded (notifications turn some into notices).
- `STEP_HOOKS`, `DOCUMENT_HOOKS`: what packages do after the council's steps and new documents.
- the plan source: what quality audits may read of plans (`portal.plans.quality_source`).
- `HEADER_FACTS`: what every page's header asks about the signed-in person, fetched with the
  session.

Nothing registers itself by being imported: a rule or section that is not listed here does not
exist, which is what the access-map and case-page tests check.
"""

from __future__ import annotations

from flask import Flask

from portal import access, audit
from portal.accounts.services import install_header_facts
from portal.cases import document_hooks, sections, step_hooks
from portal.cases.models import AdviceRequest, Case, CaseGrant, Review, SchoolConsultation
from portal.cases.policy import case_rule
from portal.cases.schedule import install_schedule_hook
from portal.casework.next_steps import next_steps_section
from portal.casework.policy import part_of_case_rule
from portal.casework.steps.assessment import advice_sent_with_document
from portal.content.models import ContentPage
from portal.content.pages import stage_text_section
from portal.content.policy import content_page_rule
from portal.documents.models import Document, DocumentVersion
from portal.documents.policy import document_rule, version_rule
from portal.documents.services import about_me_messages
from portal.documents.subject_access import document_files
from portal.documents.views import documents_section, tell_us_section
from portal.funding import policy as funding_policy
from portal.funding.case_section import bands_section
from portal.funding.evidence import install_evidence_source
from portal.funding.models import Banding
from portal.funding.prompts import band_prompt_section, prompt_after
from portal.notifications import services as notification_services
from portal.notifications.events import on_event as notices_from_event
from portal.notifications.messages import thread_rule
from portal.notifications.models import MessageThread
from portal.notifications.views import messages_section
from portal.people.policy import grant_rule
from portal.people.views import people_section
from portal.plans import quality_source
from portal.plans.about_me import AboutMeAuthor, about_me_rule, install_told_us
from portal.plans.banding_evidence import plan_items
from portal.plans.models import PlanVersion
from portal.plans.policy import version_rule as plan_version_rule
from portal.plans.services import freeze_after_draft_sent, freeze_after_plan_issued
from portal.plans.subject_access import plan_files
from portal.plans.views import plan_section
from portal.pledge.policy import PledgePromise, pledge_rule
from portal.pledge.views import pledge_prompt_section, pledge_signers_section
from portal.quality import policy as quality_policy
from portal.quality.case_section import quality_section
from portal.quality.models import Audit, AuditRound, QualityAction, SampledPlan
from portal.quality.plan_source import install_plan_source
from portal.records import subject_access
from portal.records.views import who_looked_section

ACCESS_RULES: dict[type, access.Rule] = {
    Case: case_rule,
    CaseGrant: grant_rule,
    AdviceRequest: part_of_case_rule,
    SchoolConsultation: part_of_case_rule,
    Review: part_of_case_rule,
    Document: document_rule,
    DocumentVersion: version_rule,
    ContentPage: content_page_rule,
    PledgePromise: pledge_rule,
    MessageThread: thread_rule,
    PlanVersion: plan_version_rule,
    AboutMeAuthor: about_me_rule,
    AuditRound: quality_policy.round_rule,
    SampledPlan: quality_policy.sample_rule,
    Audit: quality_policy.audit_rule,
    QualityAction: quality_policy.action_rule,
    Banding: funding_policy.banding_rule,
    funding_policy.CaseBands: funding_policy.case_bands_rule,
}

CASE_SECTIONS = (
    sections.CaseSection("next_steps", "casework/partials/case_actions.html", next_steps_section),
    sections.CaseSection(
        "pledge_prompt", "pledge/partials/prompt_section.html", pledge_prompt_section
    ),
    sections.CaseSection("tell_us", "documents/partials/tell_us_section.html", tell_us_section),
    sections.CaseSection("band_prompt", "funding/partials/band_prompt.html", band_prompt_section),
    sections.CaseSection(
        "stage_text", "content/partials/stage_text_section.html", stage_text_section
    ),
    sections.CaseSection("plan", "plans/partials/case_section.html", plan_section),
    sections.CaseSection("bands", "funding/partials/case_section.html", bands_section),
    sections.CaseSection("quality", "quality/partials/case_section.html", quality_section),
    sections.CaseSection("documents", "documents/partials/case_section.html", documents_section),
    sections.CaseSection("people", "people/partials/case_section.html", people_section),
    sections.CaseSection(
        "messages", "notifications/partials/messages_section.html", messages_section
    ),
    sections.CaseSection(
        "who_looked", "records/partials/who_looked_section.html", who_looked_section
    ),
    sections.CaseSection(
        "pledge_signers",
        "pledge/partials/signers_section.html",
        pledge_signers_section,
        page="people",
    ),
)

EVENT_OBSERVERS: tuple[audit.Observer, ...] = (notices_from_event,)

#: What each package adds to a child's subject-access export (`portal.records.subject_access`).
SUBJECT_ACCESS_PARTS: tuple[subject_access.Part, ...] = (plan_files, document_files)


#: What other packages do when the council takes a statutory step (`portal.cases.step_hooks`).
STEP_HOOKS: dict[str, tuple[step_hooks.StepHook, ...]] = {
    # The plan is frozen first, so the band prompt reads the areas of need of what was sent.
    step_hooks.DRAFT_SENT: (freeze_after_draft_sent, prompt_after(step_hooks.DRAFT_SENT)),
    step_hooks.AMENDMENTS_SENT: (freeze_after_draft_sent,),
    step_hooks.FINAL_ISSUED: (freeze_after_plan_issued, prompt_after(step_hooks.FINAL_ISSUED)),
    step_hooks.AMENDED_PLAN_ISSUED: (
        freeze_after_plan_issued,
        prompt_after(step_hooks.AMENDED_PLAN_ISSUED),
    ),
    step_hooks.REVIEW_DECIDED: (prompt_after(step_hooks.REVIEW_DECIDED),),
}


#: What other packages do when someone adds a document (`portal.cases.document_hooks`): advice
#: uploaded by the person asked for it is recorded as received.
DOCUMENT_HOOKS: tuple[document_hooks.DocumentHook, ...] = (advice_sent_with_document,)


#: What the header of every page asks about the signed-in person, fetched with their session
#: (`portal.accounts.services.install_header_facts`): the unread count, "My audits" in the menu.
HEADER_FACTS = {
    notification_services.UNREAD_FACT: notification_services.unread_for_header,
    quality_policy.IN_A_ROUND_FACT: quality_policy.in_a_round_for_header,
}


def init_wiring(app: Flask) -> None:
    """Install the access rules, the case page's sections, the event observers and the
    statutory steps' hooks."""
    access.install_rules(app, ACCESS_RULES)
    sections.install_sections(app, CASE_SECTIONS)
    audit.install_observers(app, EVENT_OBSERVERS)
    step_hooks.install_step_hooks(app, STEP_HOOKS)
    document_hooks.install_document_hooks(app, DOCUMENT_HOOKS)
    # Each case's next deadline is stored, and kept in step, for the caseload's SQL.
    install_schedule_hook()
    subject_access.install_parts(app, SUBJECT_ACCESS_PARTS)
    install_header_facts(app, HEADER_FACTS)
    # The plan's "All about me" reads what the young person told us through this function only.
    install_told_us(app, about_me_messages)
    # Plan quality audits read issued plans through this narrow interface only.
    install_plan_source(app, quality_source)
    # Banded funding reads a plan's Section B needs and Section F help through this only.
    install_evidence_source(app, plan_items)
