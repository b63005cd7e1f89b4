"""Professionals on a case promise to follow the pledge; the family sees who has and who has not."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.audit import Event
from portal.cases.models import Case, Relationship
from portal.clock import utcnow
from portal.content import services as content_services
from portal.content.pages import published_page
from portal.extensions import db
from portal.pledge.models import PledgeSignature
from portal.pledge.views import pledge_prompt_section, pledge_signers_section
from tests import factories


def _signatures() -> int:
    return db.session.scalar(select(func.count()).select_from(PledgeSignature))


def _case_page(client_request, person, case):
    client_request.sign_in_as(person)
    return client_request.get("cases.case_page", case_id=case.public_id)


def _sign(client_request, case, **kwargs):
    return client_request.post(
        "pledge.sign_pledge", url_values={"case_id": case.public_id}, **kwargs
    )


def test_a_professional_is_asked_to_sign_and_signs(client_request, content, senco, family_case):
    """The school's case page asks them to sign; they read the pledge, promise, and the prompt
    goes away. The signature records the pledge revision they read."""
    page = _case_page(client_request, senco, family_case)
    link = (
        page.html.select_one("#pledge-prompt-title")
        .find_parent(class_="govuk-notification-banner")
        .select_one("a")
    )
    assert link["href"] == f"/cases/{family_case.public_id}/pledge"

    sign_page = client_request.get("pledge.sign_pledge", case_id=family_case.public_id)
    assert sign_page.h1 == "Read and sign the pledge"
    assert "I will listen to you." in sign_page.text(".portal-prose[hx-disable]")
    assert sign_page.text("main form button") == "I promise to follow the pledge"

    _sign(client_request, family_case, expected_redirect=f"/cases/{family_case.public_id}")
    signature = db.session.scalar(select(PledgeSignature))
    assert signature.user_id == senco.id and signature.case_id == family_case.id
    assert signature.revision_id == published_page("pledge").revision_id

    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert page.html.select_one("#pledge-prompt-title") is None
    assert "You have promised to follow the pledge" in client_request.get(
        "pledge.sign_pledge", case_id=family_case.public_id
    ).text(".govuk-panel")


def test_the_family_sees_who_promised_and_who_has_not(
    client_request, new_client, content, senco, psychologist, parent, young_person,
    case_officer, family_case,
):  # fmt: skip
    """Parent and young person see the signer with their role and date, the professional who has
    not signed as "Not signed yet", and the promise on the case timeline."""
    factories.grant(
        family_case, psychologist, Relationship.EDUCATIONAL_PSYCHOLOGIST, by=case_officer
    )
    senco_client = new_client()
    senco_client.sign_in_as(senco)
    _sign(senco_client, family_case)

    for person in (parent, young_person):
        case_page = _case_page(client_request, person, family_case)
        assert "Sally Senco promised to follow the pledge" in case_page.text("#case-history")
        # The list is on the case's People page, a link away from the overview.
        page = client_request.get("people.case_people", case_id=family_case.public_id)
        section = page.html.select_one("#pledge")
        assert (
            section.select_one("h2").get_text() == "These people have promised to follow the pledge"
        )
        rows = [" ".join(r.get_text(" ").split()) for r in section.select("tbody tr")]
        assert len(rows) == 1
        assert rows[0].startswith("Sally Senco School or setting, Oak Primary School")
        assert utcnow().strftime("%B %Y") in rows[0]
        not_signed = page.texts("#pledge li")
        assert not_signed == [
            "Chris Officer, Case officer, Test Council SEND Team: Not signed yet",
            "Dr Eve Psych, Educational psychologist, Psychology Service: Not signed yet",
        ]


def test_a_family_member_or_another_case_officer_cannot_sign(
    client_request, content, parent, young_person, council, family_case
):
    """The family is not asked, nor a case officer on the team who does not manage the case:
    they are refused and see no prompt."""
    colleague = factories.make_user(factories.Role.CASE_OFFICER, organisation=council)
    for person in (parent, young_person, colleague):
        page = _case_page(client_request, person, family_case)
        assert page.html.select_one("#pledge-prompt-title") is None
        client_request.get("pledge.sign_pledge", case_id=family_case.public_id, expected_status=403)
        _sign(client_request, family_case, expected_status=403)
    assert _signatures() == 0


def test_the_case_officer_who_manages_the_case_is_asked_and_signs(
    client_request, new_client, content, case_officer, parent, family_case
):
    """The young person is told their case officer looks after the plan: the officer is asked
    to promise too, and the family then sees them among those who promised."""
    page = _case_page(client_request, case_officer, family_case)
    assert page.html.select_one("#pledge-prompt-title") is not None
    _sign(client_request, family_case)
    assert _signatures() == 1
    family = new_client()
    family.sign_in_as(parent)
    people = family.get("people.case_people", case_id=family_case.public_id)
    rows = [" ".join(r.get_text(" ").split()) for r in people.html.select("#pledge tbody tr")]
    assert rows[0].startswith("Chris Officer Case officer, Test Council SEND Team")


def test_people_without_access_to_the_case_cannot_find_it(client_request, content, family_case):
    """A professional on another case gets 404, as for any case they cannot see."""
    stranger = factories.make_user(factories.Role.SCHOOL)
    client_request.sign_in_as(stranger)
    client_request.get("pledge.sign_pledge", case_id=family_case.public_id, expected_status=404)
    _sign(client_request, family_case, expected_status=404)
    assert _signatures() == 0


def test_signing_twice_is_harmless(client_request, content, senco, family_case):
    """A second promise (say from a second tab) keeps the first signature and adds no event."""
    client_request.sign_in_as(senco)
    _sign(client_request, family_case)
    _sign(client_request, family_case)
    assert _signatures() == 1
    events = db.session.scalar(
        select(func.count()).select_from(Event).where(Event.action == "pledge.signed")
    )
    assert events == 1


def test_someone_whose_access_ended_is_not_asked_or_listed(
    client_request, content, senco, parent, family_case
):
    """When the school's access ends, it cannot sign and drops off the family's list."""
    grant = next(g for g in family_case.grants if g.user_id == senco.id)
    grant.revoked_at = utcnow()
    db.session.commit()
    client_request.sign_in_as(senco)
    client_request.get("pledge.sign_pledge", case_id=family_case.public_id, expected_status=404)
    client_request.sign_in_as(parent)
    page = client_request.get("people.case_people", case_id=family_case.public_id)
    assert senco.name not in page.text("#pledge")


def test_with_the_pledge_unpublished_nobody_can_sign(
    client_request, content, editor, senco, family_case
):
    """If the editors take the pledge down, the sign page says so and nothing is recorded."""
    content_services.unpublish_page(editor, content_services.page_by_slug("pledge"))
    client_request.sign_in_as(senco)
    page = client_request.get("pledge.sign_pledge", case_id=family_case.public_id)
    assert "not available" in page.text("main")
    assert page.html.select_one("form[action$='/pledge']") is None
    _sign(client_request, family_case)
    assert _signatures() == 0


@pytest.mark.parametrize("section", [pledge_prompt_section, pledge_signers_section])
def test_the_pledge_sections_run_a_fixed_number_of_queries(
    app, content, count_queries, council, case_officer, senco, parent, section
):
    """One professional on the case or eight, signed or not: the same number of queries."""
    case = factories.make_case(team=council, officer=case_officer)
    factories.grant(case, parent, Relationship.PARENT_CARER)
    factories.grant(case, senco, Relationship.SCHOOL)

    def queries() -> int:
        counts = []
        for reader in (senco, parent):
            assert reader.role  # loaded, as on the case page
            # A fresh application context: a new request, with nothing remembered on `g`.
            with app.app_context(), app.test_request_context():
                # As the case and people pages load it: with its officer and live grants.
                loaded = db.session.scalar(
                    select(Case)
                    .where(Case.id == case.id)
                    .options(joinedload(Case.case_officer), joinedload(Case.live_grant_rows))
                )
                with count_queries() as statements:
                    section(loaded, reader)
                    section(loaded, reader)  # the second call reuses the first's answer
            counts.append(len(statements))
        return counts

    db.session.commit()  # seen by the requests, which have sessions of their own
    few = queries()
    for n in range(7):
        other = factories.make_user(factories.Role.PROFESSIONAL, name=f"Prof {n}")
        factories.grant(case, other, Relationship.HEALTH)
        if n % 2:
            db.session.add(
                PledgeSignature(
                    case_id=case.id,
                    user_id=other.id,
                    revision_id=published_page("pledge").revision_id,
                )
            )
    db.session.commit()
    assert queries() == few
    assert few == ([1, 0] if section is pledge_prompt_section else [1, 1])
