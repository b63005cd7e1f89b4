"""Passkeys (WebAuthn) as a second factor (issue 10), checked through the real server code with a
software authenticator: adding one, signing with it, and the ways an attacker's answer fails."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.accounts import passkeys, second_factor, services
from portal.accounts.models import Passkey, Role
from portal.extensions import db
from portal.refusals import Refused
from tests import factories
from tests.soft_authenticator import SoftAuthenticator

NOW = datetime(2026, 12, 4, 10, 0, 5)
IP = "198.51.100.7"


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(NOW)


@pytest.fixture
def officer(council, outbox):
    user = factories.make_user(Role.CASE_OFFICER, organisation=council)
    db.session.commit()
    return user


def _add(user, authenticator=None, name="Work laptop"):
    authenticator = authenticator or SoftAuthenticator()
    options, state = passkeys.begin_registration(user)
    key = passkeys.finish_registration(user, authenticator.create(options), name, state)
    return authenticator, key


def test_a_passkey_is_added_and_counts_as_the_second_factor(officer, outbox):
    assert not second_factor.has_second_factor(officer)
    _, key = _add(officer)
    assert key.name == "Work laptop"
    assert key.transports == "internal"
    assert second_factor.has_second_factor(officer)
    assert any("A passkey was added" in message["Subject"] for message in outbox)


def test_registration_options_come_from_the_portal_url_and_exclude_existing_keys(officer):
    authenticator, _ = _add(officer)
    options = json.loads(passkeys.begin_registration(officer)[0])
    assert options["rp"]["id"] == "portal.test"
    assert [c["id"] for c in options["excludeCredentials"]] == [
        json.loads(authenticator.get(passkeys.begin_authentication(officer)[0]))["id"]
    ]


def test_registration_from_another_origin_is_refused(officer):
    options, state = passkeys.begin_registration(officer)
    answer = SoftAuthenticator().create(options, origin="http://evil.test")
    with pytest.raises(Refused):
        passkeys.finish_registration(officer, answer, "Mine", state)
    assert not second_factor.has_second_factor(officer)


def test_registration_for_another_challenge_or_too_late_is_refused(officer):
    options, state = passkeys.begin_registration(officer)
    other, _ = passkeys.begin_registration(officer)
    with pytest.raises(Refused):
        passkeys.finish_registration(officer, SoftAuthenticator().create(other), "Mine", state)
    clock.freeze(NOW + passkeys.CHALLENGE_LIFETIME + timedelta(seconds=1))
    with pytest.raises(Refused):
        passkeys.finish_registration(officer, SoftAuthenticator().create(options), "Mine", state)
    assert not second_factor.has_second_factor(officer)


def test_a_signature_from_the_passkey_is_accepted_and_its_count_kept(officer):
    authenticator, key = _add(officer)
    options, state = passkeys.begin_authentication(officer)
    used = passkeys.check_assertion(officer, authenticator.get(options), state, IP)
    assert used.id == key.id
    assert used.sign_count == 1
    assert used.last_used_at == NOW


def test_a_signature_over_another_challenge_is_refused(officer):
    authenticator, _ = _add(officer)
    _, state = passkeys.begin_authentication(officer)
    other, _ = passkeys.begin_authentication(officer)
    with pytest.raises(Refused):
        passkeys.check_assertion(officer, authenticator.get(other), state, IP)


def test_a_signature_from_another_origin_is_refused(officer):
    authenticator, _ = _add(officer)
    options, state = passkeys.begin_authentication(officer)
    with pytest.raises(Refused):
        passkeys.check_assertion(
            officer, authenticator.get(options, origin="http://evil.test"), state, IP
        )


def test_a_replayed_signature_is_refused(officer):
    authenticator, _ = _add(officer)
    options, state = passkeys.begin_authentication(officer)
    answer = authenticator.get(options)
    passkeys.check_assertion(officer, answer, state, IP)
    # The same answer again (even with the same challenge state) does not sign in twice.
    with pytest.raises(Refused):
        passkeys.check_assertion(officer, answer, state, IP)


def test_a_sign_count_going_backwards_is_refused(officer):
    authenticator, _ = _add(officer)
    options, state = passkeys.begin_authentication(officer)
    passkeys.check_assertion(officer, authenticator.get(options, count_up=5), state, IP)
    options, state = passkeys.begin_authentication(officer)
    with pytest.raises(Refused):  # a clone still at an older count
        passkeys.check_assertion(officer, authenticator.get(options, count_up=-3), state, IP)


def test_someone_elses_passkey_is_refused(officer, council):
    other = factories.make_user(Role.CASE_OFFICER, organisation=council)
    db.session.commit()
    theirs, _ = _add(other)
    _add(officer)
    options, state = passkeys.begin_authentication(officer)
    with pytest.raises(Refused):
        passkeys.check_assertion(officer, theirs.get(options), state, IP)
    # Nor may their challenge state be used for someone else.
    options, state = passkeys.begin_authentication(other)
    with pytest.raises(Refused):
        passkeys.check_assertion(officer, theirs.get(options), state, IP)


def test_wrong_passkey_answers_count_towards_the_lockout(officer):
    authenticator, _ = _add(officer)
    for _ in range(10):
        options, state = passkeys.begin_authentication(officer)
        with pytest.raises(Refused):
            passkeys.check_assertion(
                officer, authenticator.get(options, origin="http://evil.test"), state, IP
            )
    assert services.locked_until(officer.email, IP) is not None
    options, state = passkeys.begin_authentication(officer)
    with pytest.raises(Refused, match="too many attempts"):
        passkeys.check_assertion(officer, authenticator.get(options), state, IP)


def test_staff_cannot_remove_their_last_second_factor(officer, outbox):
    _, first = _add(officer)
    _, second = _add(officer, name="Phone")
    passkeys.remove(officer, first.id)
    assert any("A passkey was removed" in message["Subject"] for message in outbox)
    with pytest.raises(Refused, match="must keep a second factor"):
        passkeys.remove(officer, second.id)
    factories.give_authenticator_app(officer)
    db.session.commit()
    passkeys.remove(officer, second.id)
    assert db.session.scalars(select(Passkey)).all() == []


def test_nobody_removes_someone_elses_passkey(officer, council):
    other = factories.make_user(Role.CASE_OFFICER, organisation=council)
    db.session.commit()
    _, theirs = _add(other)
    _add(officer)
    with pytest.raises(Refused):
        passkeys.remove(officer, theirs.id)
    assert db.session.get(Passkey, theirs.id) is not None


# --- Through the pages ----------------------------------------------------------------------------


def _options_json(client_request, endpoint: str, **values) -> str:
    response = client_request.client.post(
        client_request._url(endpoint, **values),
        headers={"X-CSRFToken": client_request.csrf_token()},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    return response.get_data(as_text=True)


def _officer_with_passkey_only(officer):
    authenticator = SoftAuthenticator()
    with_state = passkeys.begin_registration(officer)
    passkeys.finish_registration(
        officer, authenticator.create(with_state[0]), "Laptop", with_state[1]
    )
    return authenticator


def test_staff_with_only_a_passkey_sign_in_with_password_and_passkey(client_request, officer):
    authenticator = _officer_with_passkey_only(officer)
    client_request.post(
        "accounts.sign_in",
        {"email": officer.email, "password": factories.PASSWORD},
        expected_redirect="/sign-in/code",
    )
    page = client_request.get("second_factor.sign_in_code")
    assert page.h1 == "Use your passkey"
    assert page.html.select_one("form[data-portal-passkey=get]") is not None
    assert client_request.get_redirect("cases.home").startswith("/sign-in")
    answer = authenticator.get(
        _options_json(client_request, "second_factor.sign_in_passkey_options")
    )
    client_request.post(
        "second_factor.sign_in_passkey", {"credential": answer}, expected_redirect="/home"
    )
    client_request.get("cases.home")


def test_a_passkey_answer_is_used_once_and_wrong_ones_do_not_sign_in(client_request, officer):
    authenticator = _officer_with_passkey_only(officer)
    client_request.post(
        "accounts.sign_in",
        {"email": officer.email, "password": factories.PASSWORD},
        expected_redirect="/sign-in/code",
    )
    options = _options_json(client_request, "second_factor.sign_in_passkey_options")
    forged = authenticator.get(options, origin="http://evil.test")
    client_request.post(
        "second_factor.sign_in_passkey", {"credential": forged}, expected_redirect="/sign-in/code"
    )
    # The challenge was spent by the wrong answer: a right one for it is refused too.
    client_request.post(
        "second_factor.sign_in_passkey",
        {"credential": authenticator.get(options)},
        expected_redirect="/sign-in/code",
    )
    assert client_request.get_redirect("cases.home").startswith("/sign-in")


def test_the_relying_party_is_the_configured_portal_url(client_request, officer, app):
    app.config["PORTAL_URL"] = "https://ehc.example.gov.uk"
    client_request.sign_in_as(officer)
    options = json.loads(_options_json(client_request, "second_factor.add_passkey_options"))
    assert options["rp"]["id"] == "ehc.example.gov.uk"


def test_a_passkey_is_added_from_the_account_page(client_request, officer, outbox):
    client_request.sign_in_as(officer)
    page = client_request.get("second_factor.account")
    assert page.html.select_one("form[data-portal-passkey=create][hidden]") is not None
    assert page.html.select_one("[data-portal-passkey-fallback]") is not None
    authenticator = SoftAuthenticator()
    answer = authenticator.create(
        _options_json(client_request, "second_factor.add_passkey_options")
    )
    client_request.post(
        "second_factor.add_passkey",
        {"credential": answer, "name": "Work laptop"},
        expected_redirect="/account/second-factor",
    )
    page = client_request.get("second_factor.account")
    assert "Work laptop" in page.texts(".govuk-summary-list__key")
    # The same answer again adds nothing (its challenge is spent).
    client_request.post(
        "second_factor.add_passkey",
        {"credential": answer, "name": "Again"},
        expected_status=400,
    )
    assert len(passkeys.passkeys_of(officer)) == 1


def test_a_passkey_confirms_it_is_you_before_sensitive_actions(client_request, officer):
    authenticator = _officer_with_passkey_only(officer)
    client_request.sign_in_as(officer)
    clock.freeze(NOW + timedelta(minutes=16))  # the second factor is no longer fresh
    location = client_request.get_redirect("second_factor.set_up")
    assert location.startswith("/account/confirm-it-is-you")
    page = client_request.get("second_factor.confirm", next="/account/second-factor/set-up")
    assert page.html.select_one("form[data-portal-passkey=get]") is not None
    answer = authenticator.get(
        _options_json(client_request, "second_factor.confirm_passkey_options")
    )
    client_request.post(
        "second_factor.confirm_passkey",
        {"credential": answer},
        url_values={"next": "/account/second-factor/set-up"},
        expected_redirect="/account/second-factor/set-up",
    )
    client_request.get("second_factor.set_up")


def test_a_passkey_confirms_a_sensitive_action_posted_when_the_factor_was_stale(
    client_request, officer
):
    """The action's own fields are posted again with the passkey's answer, and it is done."""
    authenticator = _officer_with_passkey_only(officer)
    spare_id = _add(officer, name="Phone")[1].id
    client_request.sign_in_as(officer)
    clock.freeze(NOW + timedelta(minutes=16))
    page = client_request.post(
        "second_factor.remove_passkey",
        {},
        url_values={"passkey_id": spare_id},
        expected_status=200,
    )
    assert page.h1 == "Confirm it is you"
    form = page.html.select_one("form[data-portal-passkey=get]")
    assert form is not None
    assert form["data-portal-passkey-field"] == "second_factor_passkey"
    answer = authenticator.get(
        _options_json(client_request, "second_factor.confirm_passkey_options")
    )
    # A wrong answer does nothing.
    client_request.post(
        "second_factor.remove_passkey",
        {"second_factor_passkey": answer.replace('"signature": "', '"signature": "AA')},
        url_values={"passkey_id": spare_id},
        expected_status=200,
    )
    assert db.session.get(Passkey, spare_id) is not None
    answer = authenticator.get(
        _options_json(client_request, "second_factor.confirm_passkey_options")
    )
    client_request.post(
        "second_factor.remove_passkey",
        {"second_factor_passkey": answer},
        url_values={"passkey_id": spare_id},
        expected_redirect="/account/second-factor",
    )
    db.session.expire_all()
    assert db.session.get(Passkey, spare_id) is None


def test_an_administrators_reset_removes_passkeys_too(officer, council):
    """A lost laptop: after the reset the passkey no longer signs in, and staff set up anew."""
    admin = factories.make_user(Role.ADMIN, organisation=council)
    db.session.commit()
    _add(officer)
    second_factor.reset_by_administrator(admin, officer)
    assert passkeys.passkeys_of(officer) == []
    assert not second_factor.has_second_factor(officer)


def test_staff_with_a_passkey_may_remove_their_authenticator_app(client_request, officer, outbox):
    factories.give_authenticator_app(officer)
    db.session.commit()
    with pytest.raises(Refused, match="must keep a second factor"):
        second_factor.remove(officer, factories.totp_code(), IP)
    _add(officer)
    client_request.sign_in_as(officer)
    page = client_request.get("second_factor.account")
    assert "Stop using the authenticator app" in page.texts("h2")
    client_request.post(
        "second_factor.remove",
        {"code": factories.totp_code()},
        expected_redirect="/account/second-factor",
    )
    assert second_factor.active_app(officer) is None
    assert second_factor.has_second_factor(officer)  # the passkey
    assert any("The authenticator app was removed" in m["Subject"] for m in outbox)


def test_new_staff_may_add_a_passkey_instead_of_an_app_when_signing_in(client_request, officer):
    client_request.post(
        "accounts.sign_in",
        {"email": officer.email, "password": factories.PASSWORD},
        expected_redirect="/sign-in/code",
    )
    assert client_request.get_redirect("second_factor.sign_in_code") == "/sign-in/set-up-app"
    page = client_request.get("second_factor.sign_in_set_up")
    assert page.html.select_one("form[data-portal-passkey=create]") is not None
    assert client_request.get_redirect("cases.home").startswith("/sign-in")
    answer = SoftAuthenticator().create(
        _options_json(client_request, "second_factor.sign_in_add_passkey_options")
    )
    client_request.post(
        "second_factor.sign_in_add_passkey",
        {"credential": answer, "name": "Work laptop"},
        expected_redirect="/home",
    )
    client_request.get("cases.home")
    assert [key.name for key in passkeys.passkeys_of(officer)] == ["Work laptop"]
    # Having one now, the set-up step is no way to add another without signing in.
    client_request.post("second_factor.sign_in_add_passkey_options", {}, expected_status=400)
