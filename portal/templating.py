"""Template set-up: strict undefined in tests, the site-wide globals, and date filters."""

from __future__ import annotations

from flask import Flask, url_for
from flask_login import current_user
from jinja2 import StrictUndefined

from portal import access
from portal.accounts.models import Role
from portal.accounts.second_factor import OFFERED_TO, REQUIRED_FOR
from portal.contacts import contacts
from portal.dates import date_and_time, long_date, relative_to_today
from portal.funding.money import pounds
from portal.quality.policy import audits_in_any_round

SECOND_FACTOR_ROLES = REQUIRED_FOR | OFFERED_TO

NAVIGATION = {
    Role.YOUNG_PERSON: [("My pathway", "cases.home"), ("The pledge", "pages.pledge")],
    Role.PARENT: [("My cases", "cases.home"), ("Help", "pages.help_index")],
    Role.SCHOOL: [("Caseload", "cases.home"), ("Top-up funding", "money.my_school")],
    Role.PROFESSIONAL: [("Caseload", "cases.home")],
    Role.CASE_OFFICER: [
        ("Team cases", "cases.home"),
        ("Dashboard", "cases.dashboard"),
        ("Funding dashboard", "money.dashboard"),
        ("Bands to agree", "banding.proposed_bands"),
        ("Feedback on my plans", "quality.my_feedback"),
        ("Open a new case", "casework.open_case"),
        ("Invite someone", "accounts.invite"),
    ],
    Role.CONTENT_EDITOR: [("Content pages", "content.page_list")],
    Role.ADMIN: [
        ("People", "cases.home"),
        ("Invite someone", "accounts.invite"),
        ("Audit trail", "records.audit_search"),
    ],
    Role.QUALITY_LEAD: [
        ("Audit rounds", "quality.rounds"),
        ("My audits", "quality.my_audits"),
        ("Quality dashboard", "quality.dashboard"),
        ("Framework", "quality.framework_page"),
    ],
    Role.AUDITOR: [("My audits", "quality.my_audits"), ("Framework", "quality.framework_page")],
    Role.FUNDING_OFFICER: [
        ("Committed top-up", "funding.committed_spend"),
        ("Bands to agree", "banding.proposed_bands"),
        ("Funding dashboard", "money.dashboard"),
        ("Tariff and budget", "money.tariff_now"),
        ("Band descriptors", "content.page_list"),
    ],
}


#: What anyone can read before signing in: how the process works, the pledge and help.
PUBLIC_NAVIGATION = [
    ("The EHC pathway", "pages.pathway"),
    ("The pledge", "pages.pledge"),
    ("Help", "pages.help_index"),
]


#: Roles who may be invited to audit plans in a quality round, and so may have audits to do.
INVITED_AUDITOR_ROLES = (Role.PROFESSIONAL, Role.CASE_OFFICER)


def navigation() -> list[tuple[str, str]]:
    """The header links: the signed-in person's role's, or the public pages: (label, url).
    A professional or case officer invited to audit plans also gets "My audits" (one query)."""
    if not current_user.is_authenticated:
        return [(label, url_for(endpoint)) for label, endpoint in PUBLIC_NAVIGATION]
    role = Role(current_user.role)
    links = list(NAVIGATION[role])
    if role in INVITED_AUDITOR_ROLES and audits_in_any_round(current_user):
        links.append(("My audits", "quality.my_audits"))
    return [(label, url_for(endpoint)) for label, endpoint in links]


def _may(action: str, obj: object) -> bool:
    """For templates: may the signed-in person do `action` to `obj` (the one access policy)?"""
    return access.can(current_user, action, obj)


STAFF_ROLES = (Role.CASE_OFFICER, Role.ADMIN, Role.CONTENT_EDITOR)


def waived_protections() -> list[str]:
    """What the operator switched off in production, told to staff so nobody relies on it."""
    from flask import current_app

    from portal.config import WAIVERS

    if not current_user.is_authenticated or Role(current_user.role) not in STAFF_ROLES:
        return []
    return [WAIVERS[name] for name in current_app.config.get("WAIVED_PROTECTIONS", [])]


def init_templating(app: Flask) -> None:
    if app.testing or app.config.get("TEMPLATES_STRICT"):
        app.jinja_env.undefined = StrictUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from portal.content.rendering import render_markdown_block

    app.jinja_env.filters.update(
        long_date=long_date,
        date_and_time=date_and_time,
        relative=relative_to_today,
        markdown=render_markdown_block,
        pounds=pounds,
    )

    # A global (not a context value) so that imported macros can read it too.
    app.jinja_env.globals["contacts"] = contacts
    app.jinja_env.globals["may"] = _may

    @app.context_processor
    def site_globals() -> dict:
        return {
            "service_name": app.config["SERVICE_NAME"],
            "council_name": app.config["COUNCIL_NAME"],
            "navigation": navigation,
            "Role": Role,
            "SECOND_FACTOR_ROLES": SECOND_FACTOR_ROLES,
            "waived_protections": waived_protections,
        }
