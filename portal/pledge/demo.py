"""Demo signatures: some professionals on the demo cases have promised to follow the pledge.

On Alfie Taylor's case (parent@example.org) the case officer, the school and the psychologist
have signed and the health visitor has not, so the family sees both lists. On Jordan Ellis's
case (the young person's own) everyone has signed.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.cases.models import Case, Child
from portal.content.files import default_content_folder
from portal.content.services import load_folder
from portal.extensions import db
from portal.pledge.services import current_pledge, sign_pledge

DEMO_SIGNATURES = [
    # child's first name, professional's or case officer's email
    ("Alfie", "officer@example.org"),
    ("Alfie", "senco@example.org"),
    ("Alfie", "psychologist@example.org"),
    ("Maya", "senco@example.org"),
    ("Jordan", "officer@example.org"),
    ("Jordan", "senco2@example.org"),
    ("Jordan", "psychologist@example.org"),
]


def load_demo_signatures(users: dict[str, User]) -> None:
    """Sign the pledge for the demo professionals in DEMO_SIGNATURES.

    The pledge must be published to be signed, so the shipped content is loaded first if the
    database has none (`flask content load` leaves pages that exist alone afterwards).
    """
    if current_pledge() is None:
        load_folder(default_content_folder())
    for first_name, email in DEMO_SIGNATURES:
        case = db.session.execute(
            select(Case).join(Child).where(Child.first_name == first_name)
        ).scalar_one()
        sign_pledge(users[email], case)
