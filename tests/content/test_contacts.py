"""Who to call: the council's and the local advice service's contact details, from the settings,
on every public page a family can reach."""

from __future__ import annotations

import pytest

from portal.config import CONTACT_SETTINGS, load_config

REAL = {
    "COUNCIL_CONTACT_PHONE": "020 7946 0001",
    "COUNCIL_CONTACT_EMAIL": "sen@realcouncil.gov.uk",
    "COUNCIL_CONTACT_HOURS": "Monday to Thursday, 8am to 6pm",
    "COUNCIL_DATA_PROTECTION_EMAIL": "dpo@realcouncil.gov.uk",
    "IASS_NAME": "Realtown SENDIASS",
    "IASS_PHONE": "020 7946 0002",
    "IASS_EMAIL": "help@realtown-sendiass.org.uk",
    "IASS_WEBSITE": "https://realtown-sendiass.org.uk",
}

#: Every public page a family can reach before signing in (endpoint, URL values).
PUBLIC_PAGES = [
    ("pages.start", {}),
    ("accounts.sign_in", {}),
    ("pages.help_index", {}),
    ("pages.help_page", {"slug": "what-the-words-mean"}),
    ("pages.help_page", {"slug": "if-you-disagree"}),
    ("pages.help_page", {"slug": "who-can-see-my-information"}),
    ("pages.pathway", {}),
    ("pages.pledge", {}),
    ("pages.accessibility", {}),
    ("pages.privacy", {}),
]


@pytest.fixture
def real_contacts(app):
    app.config.update(REAL, CONTACT_DETAILS_ARE_EXAMPLES=False)


def test_settings_come_from_the_environment_and_say_when_they_are_examples(tmp_path):
    """Unset contact settings fall back to the demo council's and are flagged as examples;
    once every one is set, they are not."""
    demo = load_config(tmp_path, {})
    assert demo["CONTACT_DETAILS_ARE_EXAMPLES"] is True
    assert demo["IASS_PHONE"] == CONTACT_SETTINGS["IASS_PHONE"]
    partly = load_config(tmp_path, {"COUNCIL_CONTACT_PHONE": "020 7946 0001"})
    assert partly["COUNCIL_CONTACT_PHONE"] == "020 7946 0001"
    assert partly["CONTACT_DETAILS_ARE_EXAMPLES"] is True
    real = load_config(tmp_path, REAL)
    assert real["CONTACT_DETAILS_ARE_EXAMPLES"] is False
    assert real["IASS_NAME"] == "Realtown SENDIASS"


@pytest.mark.parametrize(("endpoint", "values"), PUBLIC_PAGES)
def test_every_public_page_gives_a_phone_number_and_email_for_help(
    client_request, content, real_contacts, endpoint, values
):
    """On every public page, the main content (not only the footer) has a working phone link and
    an email link for the council."""
    page = client_request.get(endpoint, **values)
    main = page.html.select_one("main")
    assert main.select_one('a[href="tel:02079460001"]') is not None
    assert main.select_one('a[href="mailto:sen@realcouncil.gov.uk"]') is not None
    assert "020 7946 0001" in page.text("footer")


def test_the_statements_the_law_requires_give_the_configured_contact_details(
    client_request, content, real_contacts
):
    """The accessibility statement gives the council's phone and email and the equality
    service; the privacy notice gives the data protection officer and the regulator."""
    accessibility = client_request.get("pages.accessibility").text("main")
    for words in ("020 7946 0001", "sen@realcouncil.gov.uk", "Monday to Thursday, 8am to 6pm"):
        assert words in accessibility
    assert "0808 800 0082" in accessibility  # the Equality Advisory and Support Service
    privacy = client_request.get("pages.privacy").text("main")
    assert "dpo@realcouncil.gov.uk" in privacy
    assert "0303 123 1113" in privacy  # the Information Commissioner's Office


def test_help_pages_name_the_local_advice_service(client_request, content, real_contacts):
    """The help pages give the local information, advice and support service, with its site."""
    page = client_request.get("pages.help_page", slug="if-you-disagree")
    main = page.text("main")
    assert "Realtown SENDIASS" in main and "020 7946 0002" in main
    assert page.html.select_one('main a[href="https://realtown-sendiass.org.uk"]') is not None
    assert page.html.select_one('main a[href="https://www.lgo.org.uk"]') is not None


def test_demo_details_are_labelled_as_examples(client_request, content, real_contacts, app):
    """While any contact setting is a demo value the pages say the details are made up; with
    real settings they do not."""
    assert client_request.get("accounts.sign_in").html.select("[data-contacts-examples]") == []
    app.config["CONTACT_DETAILS_ARE_EXAMPLES"] = True
    notice = client_request.get("accounts.sign_in").text("[data-contacts-examples]")
    assert "made up" in notice


@pytest.mark.parametrize("endpoint", ["pages.start", "accounts.sign_in"])
def test_start_and_sign_in_say_how_to_get_an_account(client_request, content, endpoint):
    """Families and professionals are told that the council invites them, and whom to ask."""
    page = client_request.get(endpoint)
    section = page.text("main")
    assert "How to get an account" in section
    assert "Parents, carers and young people" in section
    assert "Schools and other professionals" in section


def test_page_not_found_points_to_the_council_not_a_case_officer(client_request, real_contacts):
    """A visitor (who has no case officer) is given the council's phone and email on a 404."""
    page = client_request.get("pages.help_page", slug="no-such-page", expected_status=404)
    main = page.text("main")
    assert "case officer" not in main
    assert page.html.select_one('main a[href="tel:02079460001"]') is not None
