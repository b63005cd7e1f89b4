"""Every endpoint declares who may use it, and every URL is lower-case kebab-case and typed."""

import re

import pytest
from flask import url_for
from werkzeug.routing import Rule

from portal.accounts.models import Role
from tests import factories

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
    # The second step of signing in: they act only on the session the password half started.
    "second_factor.sign_in_code",
    "second_factor.sign_in_set_up",
    "second_factor.sign_in_start_again",
    "second_factor.sign_in_passkey_options",
    "second_factor.sign_in_passkey",
    "second_factor.sign_in_add_passkey_options",
    "second_factor.sign_in_add_passkey",
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
    _every_private_page_sends_to_sign_in(app, client_request)


@pytest.mark.parametrize("role", [role for role in Role if role.must_use_second_factor])
def test_staff_with_a_password_but_no_second_factor_reach_no_page(app, client_request, role):
    """A member of staff whose session has not had its second step (the password was right,
    the code not yet given) is not signed in anywhere: every page sends them to sign in."""
    user = factories.make_user(role)
    factories.give_authenticator_app(user)
    client_request.sign_in_as(user, second_factor_done=False)
    _every_private_page_sends_to_sign_in(app, client_request)


def test_the_second_step_pages_need_a_half_finished_sign_in(client_request):
    """Without a password first, the code and set-up pages only send you to sign in."""
    for endpoint in ("second_factor.sign_in_code", "second_factor.sign_in_set_up"):
        assert client_request.get_redirect(endpoint) == "/sign-in"
        client_request.post(endpoint, {"code": "123456"}, expected_redirect="/sign-in")
    client_request.post("second_factor.sign_in_passkey", {}, expected_redirect="/sign-in")
    client_request.post("second_factor.sign_in_passkey_options", {}, expected_status=400)
    client_request.post("second_factor.sign_in_add_passkey", {}, expected_redirect="/sign-in")
    client_request.post("second_factor.sign_in_add_passkey_options", {}, expected_status=400)


def test_the_second_factor_pages_are_offered_to_staff_schools_and_professionals(
    client_request, new_client, app
):
    """Families get 404 on the second factor pages; schools, professionals and staff may open
    them."""
    for role in Role:
        client = new_client()
        client.sign_in_as(factories.make_user(role))
        expected = 404 if role.is_family else 200
        client.get("second_factor.account", expected_status=expected)
        client.get("second_factor.set_up", expected_status=expected)
        client.post(
            "second_factor.remove", {"code": "1"}, expected_status=404 if role.is_family else 303
        )
        client.post("second_factor.add_passkey_options", {}, expected_status=expected)
        client.post("second_factor.add_passkey", {}, expected_status=404 if role.is_family else 400)
        client.post(
            "second_factor.remove_passkey",
            {},
            url_values={"passkey_id": 1},
            expected_status=404 if role.is_family else 303,
        )
        # Nobody without a passkey is asked for one.
        client.post("second_factor.confirm_passkey_options", {}, expected_status=404)


def _every_private_page_sends_to_sign_in(app, client_request) -> None:
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


# --- Banded funding: who sees and does what with a case's bands (issue 14) --------------------

BANDING_PAGES = ("case_bands", "propose_band", "proposed_bands", "decide_band", "withdraw_band")
_ALL = dict.fromkeys(BANDING_PAGES, 200)
_NONE = dict.fromkeys(BANDING_PAGES, 404)
#: role fixture → status of each banding page for the family's case and its proposed band.
BANDING_ACCESS = {
    "parent": _NONE | {"case_bands": 200},
    "young_person": _NONE | {"case_bands": 200},
    "senco": _NONE | {"case_bands": 200, "propose_band": 200},
    "case_officer": _ALL,
    "funding_officer": _ALL | {"propose_band": 404},
    # Their own council's queue (empty); nothing of this council's cases.
    "other_council_officer": _NONE | {"proposed_bands": 200},
    "other_funding_officer": _NONE | {"proposed_bands": 200},
    "other_school_senco": _NONE,  # on the case, but not the child's school
    "psychologist": _NONE,  # on the case, not a school
    "parent2": _NONE,
    "admin": _NONE,
    "editor": _NONE,
}


@pytest.fixture
def banding_people(council, ep_service, psychologist, family_case, case_officer):
    from portal.accounts.models import OrganisationKind, Role
    from portal.cases.models import Relationship
    from tests import factories

    other_council = factories.make_organisation("Far Council", OrganisationKind.COUNCIL)
    other_school = factories.make_organisation("Elm Academy", OrganisationKind.SCHOOL)
    other_senco = factories.make_user(Role.SCHOOL, organisation=other_school)
    factories.grant(family_case, other_senco, Relationship.SCHOOL, by=case_officer)
    factories.grant(
        family_case, psychologist, Relationship.EDUCATIONAL_PSYCHOLOGIST, by=case_officer
    )
    return {
        "funding_officer": factories.make_user(Role.FUNDING_OFFICER, organisation=council),
        "other_funding_officer": factories.make_user(
            Role.FUNDING_OFFICER, organisation=other_council
        ),
        "other_school_senco": other_senco,
        "psychologist": psychologist,
    }


@pytest.mark.parametrize("who", sorted(BANDING_ACCESS))
def test_banding_pages_answer_only_the_people_with_a_part_in_the_bands(
    request, new_client, family_case, senco, banding_people, who
):
    """Families read the bands; the child's school proposes; the council's case officers and
    funding officers decide; everyone else gets 404, for reading and for posting."""
    from datetime import date

    from portal.extensions import db
    from portal.funding import services
    from portal.funding.models import Banding

    banding = services.propose(
        family_case,
        senco,
        area_of_need="cognition",
        band=3,
        setting_type="mainstream",
        effective=date(2026, 9, 1),
        statements="An adult nearby for part of each day.",
        evidence="Section B: Reads two years behind",
    )
    user = banding_people.get(who) or request.getfixturevalue(who)
    client = new_client()
    client.sign_in_as(user)
    values = {
        "case_bands": {"case_id": family_case.public_id},
        "propose_band": {"case_id": family_case.public_id, "area": "cognition"},
        "proposed_bands": {},
        "decide_band": {"banding_id": banding.id},
        "withdraw_band": {"banding_id": banding.id},
    }
    for page, status in BANDING_ACCESS[who].items():
        client.get(f"banding.{page}", expected_status=status, **values[page])
    for page in ("propose_band", "decide_band", "withdraw_band"):
        if BANDING_ACCESS[who][page] == 404:
            client.post(
                f"banding.{page}",
                {"band": "1", "decision": "as_proposed", "setting_type": "mainstream"},
                url_values=values[page],
                expected_status=404,
            )
    db.session.refresh(banding)
    assert banding.status == "proposed"
    assert db.session.query(Banding).count() == 1


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


# --- The quality framework editor: the quality lead only (issue 13) --------------------------

FRAMEWORK_EDITOR_GETS = (
    ("quality.edit_framework", {}),
    ("quality.edit_framework_section", {"letter": "b"}),
    ("quality.edit_framework_grades", {}),
    ("quality.download_framework", {}),
)
FRAMEWORK_EDITOR_POSTS = (
    ("quality.edit_framework_section", {"letter": "b"}),
    ("quality.edit_framework_grades", {}),
    ("quality.publish_framework_draft", {}),
    ("quality.discard_framework_draft", {}),
)


def test_only_a_quality_lead_may_change_the_framework(new_client, council):
    """Every other role gets 404 on the framework editor, its download, and every POST behind
    it; no draft or version is made by anyone else. The lead opens every page."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.quality.models import FrameworkDraft, FrameworkVersion

    for role in Role:
        client = new_client()
        client.sign_in_as(factories.make_user(role, organisation=council))
        expected = 200 if role is Role.QUALITY_LEAD else 404
        for endpoint, values in FRAMEWORK_EDITOR_GETS:
            client.get(endpoint, expected_status=expected, **values)
        if role is Role.QUALITY_LEAD:
            continue
        for endpoint, values in FRAMEWORK_EDITOR_POSTS:
            client.post(
                endpoint,
                {"weight": "1", "guidance": "x", "criteria-0-code": "B1", "criteria-0-text": "x"},
                url_values=values,
                expected_status=404,
            )
    assert db.session.scalar(select(func.count(FrameworkDraft.id))) == 0
    assert db.session.scalar(select(func.max(FrameworkVersion.version))) == 1
