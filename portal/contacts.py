"""Who to call: the council's special educational needs team, its data protection officer and the
local information, advice and support service, read from the settings (see `portal.config`).

Pages show these through `templates/components/contacts.html`. While any setting still has its
demo value, `examples` is true and the pages say the details are made up.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class ContactDetails:
    """A service people can phone or write to."""

    name: str
    phone: str
    email: str
    hours: str | None = None
    website: str | None = None

    @property
    def phone_link(self) -> str:
        """The `tel:` address of the phone number (digits only, "+" kept)."""
        return "tel:" + "".join(c for c in self.phone if c.isdigit() or c == "+")


@dataclass(frozen=True)
class Contacts:
    council: ContactDetails
    data_protection: ContactDetails
    advice_service: ContactDetails
    examples: bool  # some details are still the demo council's made-up ones


def contacts() -> Contacts:
    """The contact details from the settings of the running app."""
    config = current_app.config
    council = ContactDetails(
        name=f"{config['COUNCIL_NAME']} special educational needs team",
        phone=config["COUNCIL_CONTACT_PHONE"],
        email=config["COUNCIL_CONTACT_EMAIL"],
        hours=config["COUNCIL_CONTACT_HOURS"],
    )
    return Contacts(
        council=council,
        data_protection=ContactDetails(
            name=f"{config['COUNCIL_NAME']} data protection officer",
            phone=council.phone,
            email=config["COUNCIL_DATA_PROTECTION_EMAIL"],
            hours=council.hours,
        ),
        advice_service=ContactDetails(
            name=config["IASS_NAME"],
            phone=config["IASS_PHONE"],
            email=config["IASS_EMAIL"],
            website=config["IASS_WEBSITE"],
        ),
        examples=bool(config["CONTACT_DETAILS_ARE_EXAMPLES"]),
    )


@dataclass(frozen=True)
class NationalService:
    """A national service the help pages point to. The content pages write these details in
    their own words; `tests/content/test_files.py` checks every web address and phone number in
    the shipped pages is one of these, so a typing slip is caught."""

    name: str
    website: str
    phone: str | None = None


#: Phone numbers only where we could confirm them; the tribunal's number has changed recently, so
#: families are sent to its GOV.UK page. Check these once a year.
NATIONAL_SERVICES = (
    NationalService(
        "First-tier Tribunal (Special Educational Needs and Disability)",
        "https://www.gov.uk/special-educational-needs-disability-tribunal",
    ),
    NationalService(
        "Local Government and Social Care Ombudsman", "https://www.lgo.org.uk", "0300 061 0614"
    ),
    NationalService("IPSEA", "https://www.ipsea.org.uk"),
    NationalService("SOS!SEN", "https://www.sossen.org.uk"),
    NationalService("Contact", "https://contact.org.uk", "0808 808 3555"),
    NationalService(
        "Information Commissioner's Office", "https://ico.org.uk/make-a-complaint", "0303 123 1113"
    ),
    NationalService(
        "Equality Advisory and Support Service",
        "https://www.equalityadvisoryservice.com",
        "0808 800 0082",
    ),
    NationalService("Equality and Human Rights Commission", "https://www.equalityhumanrights.com"),
)
