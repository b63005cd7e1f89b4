"""Every endpoint declares who may use it, and every URL is lower-case kebab-case and typed."""

import re

from flask import url_for
from werkzeug.routing import Rule

# Endpoints that need no access rule of ours: Flask's static files.
UNDECLARED_ALLOWED = {"static"}
# The only public pages: anyone, signed in or not, may open them.
PUBLIC_ENDPOINTS = {
    "pages.start",
    "pages.pledge",
    "pages.pathway",
    "pages.help_index",
    "pages.help_page",
    "pages.banded_funding",
    "pages.band_descriptors",
    "pages.accessibility",
    "pages.privacy",
    "accounts.sign_in",
    "accounts.forgot_password",
    "accounts.reset_password",
    "accounts.accept_invitation",
}
KEBAB = re.compile(r"^(/([a-z0-9]+(-[a-z0-9]+)*|<[a-z_]+:[a-z_]+>))*/?$")


def _rules(app) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in UNDECLARED_ALLOWED]


def test_every_endpoint_declares_an_access_rule(app):
    """No view can be added without saying who may use it."""
    missing = [
        rule.endpoint
        for rule in _rules(app)
        if not hasattr(app.view_functions[rule.endpoint], "access_rule")
    ]
    assert not missing, f"endpoints without an access rule: {missing}"


def test_public_endpoints_are_exactly_the_allowlist(app):
    """Only the listed pages are public, and the list names no endpoint that no longer exists."""
    public = {
        rule.endpoint
        for rule in _rules(app)
        if app.view_functions[rule.endpoint].access_rule == "public"
    }
    assert public == PUBLIC_ENDPOINTS


def test_urls_are_kebab_case_with_typed_variables(app):
    """URLs are lower-case words joined by hyphens, and every variable has a converter."""
    bad = [rule.rule for rule in _rules(app) if not KEBAB.match(rule.rule)]
    assert not bad, f"URLs that are not kebab-case with typed variables: {bad}"


def _example_value(converter: str) -> str:
    return {
        "public_id": "A" * 16,
        "token": "t" * 43,
        "slug": "an-example",
        "integer": "1",
        "plansection": "f",
    }.get(converter, "x")


def test_anonymous_requests_to_signed_in_pages_go_to_sign_in(app, client_request):
    """Someone who is not signed in is sent to the sign-in page from every non-public page."""
    checked = 0
    for rule in _rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        values = {
            name: _example_value(
                type(conv).__name__.removesuffix("Converter").lower()
                if type(conv).__name__ != "PublicIdConverter"
                else "public_id"
            )
            for name, conv in rule._converters.items()
        }
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": client_request.csrf_token()} if method != "GET" else None
            response = client_request.client.open(url, method=method, data=data)
            assert response.status_code in (302, 303), (rule.endpoint, method, response.status_code)
            assert "/sign-in" in response.headers["Location"], (rule.endpoint, method)
            checked += 1
    assert checked > 3


def test_money_pages_by_role(app, new_client, council, school, senco):
    """Who may open the tariff, the funding dashboard and a school's top-up page (issue 14):
    council staff see their council's figures, only funding officers change the tariff, a
    school sees its own page only, and families and everyone else are refused."""
    from portal.accounts.models import OrganisationKind, Role
    from tests import factories

    other_school = factories.make_organisation("Another School", OrganisationKind.SCHOOL)
    people = {
        "funding_officer": factories.make_user(Role.FUNDING_OFFICER, organisation=council),
        "case_officer": factories.make_user(Role.CASE_OFFICER, organisation=council),
        "school": senco,
        "parent": factories.make_user(Role.PARENT),
        "young_person": factories.make_user(Role.YOUNG_PERSON),
        "professional": factories.make_user(Role.PROFESSIONAL),
        "admin": factories.make_user(Role.ADMIN, organisation=council),
        "content_editor": factories.make_user(Role.CONTENT_EDITOR),
        "quality_lead": factories.make_user(Role.QUALITY_LEAD, organisation=council),
        "auditor": factories.make_user(Role.AUDITOR, organisation=council),
    }
    assert set(people) == {role.value for role in Role}
    council_staff = {"funding_officer": 200, "case_officer": 200}
    pages = [
        ("money.tariff_now", {}, {"funding_officer": 302, "case_officer": 302}),
        ("money.tariff_page", {"start_year": 2026}, council_staff),
        ("money.edit_tariff", {"start_year": 2026}, {"funding_officer": 200}),
        ("money.copy_tariff", {"start_year": 2026}, {"funding_officer": 200}),
        ("money.dashboard", {}, council_staff),
        ("money.dashboard_csv", {}, council_staff),
        ("money.my_school", {}, {"school": 302}),
        ("money.school_page", {"school_id": school.id}, {**council_staff, "school": 200}),
        ("money.school_page", {"school_id": other_school.id}, {**council_staff, "school": 404}),
    ]
    for role, person in people.items():
        browser = new_client()
        browser.sign_in_as(person)
        for endpoint, values, allowed in pages:
            expected = allowed.get(role, 403)
            with app.test_request_context():
                url = url_for(endpoint, **values)
            status = browser.client.get(url).status_code
            assert status == expected, (role, endpoint, values, status)
