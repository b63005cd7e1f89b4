"""The demo shows the pledge at work: some professionals have signed, one has not."""

from __future__ import annotations

from sqlalchemy import select

from portal.cases.models import Case, Child
from portal.demo import load_demo_data
from portal.extensions import db
from portal.pledge.services import pledge_lines


def test_demo_cases_have_signers_and_one_professional_who_has_not_signed(app):
    """On Alfie's case the case officer, school and psychologist promised and the nurse has not;
    on Jordan's
    (the young person's own case) everyone has. The content was loaded to make that possible."""
    load_demo_data("demo-portal-password")

    def lines(first_name):
        case = db.session.scalar(select(Case).join(Child).where(Child.first_name == first_name))
        return {line.user.name: line.signature is not None for line in pledge_lines(case)}

    assert lines("Alfie") == {
        "Chris Walker": True,
        "Helen Brooks": True,
        "Dr Ruth Patel": True,
        "Grace Mensah": False,
    }
    assert set(lines("Jordan").values()) == {True}
