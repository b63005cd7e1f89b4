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
