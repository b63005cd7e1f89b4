"""The case page: where we are, what happens next and by when, who to contact, the pathway, the
right to appeal, the timeline and who can see the case — in each reader's own words."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from portal import pathway
from portal.audit import Visibility
from portal.cases.models import AdviceKind, AdviceRequest, Relationship
from portal.content.services import load_folder
from portal.extensions import db
from portal.pathway import Audience, Stage
from tests import factories
from tests.cases.conftest import add_event, set_milestones


def _open(client_request, user, case):
    client_request.sign_in_as(user)
    return client_request.get("cases.case_page", case_id=case.public_id)


def _receive(case, on: date) -> None:
    case.request_received_on = on
    db.session.commit()


def test_parent_sees_where_we_are_in_plain_words(
    client_request, tracker_today, parent, family_case
):
    """A parent reads the stage, what happens next, its date with "in 5 days", and a "Due soon"
    label in words, what to do, and how to reach the case officer."""
    _receive(family_case, date(2027, 2, 1))  # decision due 6 weeks later: Monday 15 March
    family_case.case_officer.phone = "01234 000 111"
    db.session.commit()
    page = _open(client_request, parent, family_case)
    panel = page.text(".portal-where-we-are")
    assert "Asking for an assessment" in panel
    assert pathway.next_step_text(Stage.REQUEST, Audience.PARENT).default in panel
    assert "Monday 15 March 2027 (in 5 days)" in panel
    assert page.text(".portal-where-we-are .portal-deadline--due-soon") == "Due soon"
    assert pathway.todo_text(Stage.REQUEST, Audience.PARENT).default in panel
    assert "Chris Officer, case officer" in panel
    assert "01234 000 111" in panel
    assert family_case.case_officer.email in panel


def test_a_late_deadline_says_late_in_words(client_request, tracker_today, parent, family_case):
    """A missed time limit says how late it is and "Late", not only a colour."""
    _receive(family_case, date(2027, 1, 20))  # decision was due Wednesday 3 March
    page = _open(client_request, parent, family_case)
    panel = page.text(".portal-where-we-are")
    assert "Wednesday 3 March 2027 (7 days late)" in panel
    assert page.text(".portal-where-we-are .portal-deadline--late") == "Late"


def test_without_a_case_officer_the_council_is_the_contact(
    client_request, app, tracker_today, council, parent
):
    """Before a case officer is given, the family is told how to reach the council's team."""
    case = factories.make_case(team=council, officer=None)
    factories.grant(case, parent, Relationship.PARENT_CARER)
    panel = _open(client_request, parent, case).text(".portal-where-we-are")
    assert app.config["COUNCIL_CONTACT_EMAIL"] in panel
    assert app.config["COUNCIL_CONTACT_PHONE"] in panel


def test_the_pathway_shows_each_stage_and_its_state_in_words(
    client_request, tracker_today, parent, family_case
):
    """The visual pathway lists the seven steps in order, marks the current one for assistive
    technology, and says each state and known date in words."""
    _receive(family_case, date(2026, 11, 2))
    family_case.stage = Stage.DRAFT
    db.session.commit()
    set_milestones(
        family_case, assessment_decided_on=date(2026, 12, 7), draft_sent_on=date(2027, 3, 8)
    )
    page = _open(client_request, parent, family_case)
    steps = page.html.select("ol.portal-pathway > li.portal-pathway__stage")
    assert [s.select_one(".portal-pathway__name").get_text() for s in steps] == [
        pathway.stage_label(stage, Audience.PARENT) for stage in pathway.MAIN_STAGES
    ]
    states = [s.select_one(".portal-pathway__state").get_text() for s in steps]
    assert states == ["Done", "Done", "Done", "Now", "To come", "To come", "To come"]
    current = page.html.select('ol.portal-pathway [aria-current="step"]')
    assert len(current) == 1 and "Checking the draft plan" in current[0].get_text()
    assert "portal-pathway__stage--now" in current[0]["class"]
    dates = page.texts(".portal-pathway__date")
    assert "Received Monday 2 November 2026" in dates
    assert "Sent Monday 8 March 2027" in dates
    assert "Due by Monday 22 March 2027" in dates  # the final plan: 20 weeks from the request


def test_a_young_person_gets_simpler_words_and_their_pathway_first(
    client_request, tracker_today, young_person, family_case
):
    """A young person's page puts the pathway first, uses the simpler words, and links to the
    pledge and to "All about me", where they write what matters to them."""
    page = _open(client_request, young_person, family_case)
    assert page.h1 == "Your pathway"
    main = page.html.select_one("main")
    first_block = main.select_one("ol.portal-pathway, .portal-where-we-are")
    assert first_block.name == "ol", "the pathway comes before everything else"
    panel = page.text(".portal-where-we-are")
    assert "Asking for help" in panel
    assert pathway.next_step_text(Stage.REQUEST, Audience.YOUNG_PERSON).default in panel
    assert pathway.next_step_text(Stage.REQUEST, Audience.PARENT).default not in panel
    assert main.select_one('a[href="/pledge"]') is not None
    about_me = main.select_one(f'a[href="/cases/{family_case.public_id}/all-about-me"]')
    assert about_me is not None and about_me.get_text() == "All about me"
    assert "Coming soon" not in main.get_text()


@pytest.mark.parametrize(
    ("who", "audience"), [("senco", Audience.SCHOOL), ("psychologist", Audience.PROFESSIONAL)]
)
def test_schools_and_professionals_read_their_own_wording(
    request, client_request, tracker_today, family_case, case_officer, who, audience
):
    """A school and a professional each read the stage and next step written for them."""
    person = request.getfixturevalue(who)
    if who == "psychologist":
        factories.grant(family_case, person, Relationship.EDUCATIONAL_PSYCHOLOGIST, by=case_officer)
    page = _open(client_request, person, family_case)
    panel = page.text(".portal-where-we-are")
    assert pathway.stage_label(Stage.REQUEST, audience) in panel
    assert pathway.next_step_text(Stage.REQUEST, audience).default in panel
    assert page.html.select_one("#deadlines") is None, "only the case officer sees every deadline"


def test_the_case_officer_sees_every_deadline_with_its_status(
    client_request, tracker_today, case_officer, family_case, psychologist
):
    """The team's case officer gets a table of every deadline at this stage with its status."""
    _receive(family_case, date(2027, 1, 4))
    family_case.stage = Stage.ASSESSMENT
    db.session.add_all(
        [
            AdviceRequest(
                case_id=family_case.id,
                kind=AdviceKind.PSYCHOLOGICAL,
                adviser_id=psychologist.id,
                sent_on=date(2027, 1, 20),  # due 3 March: late
            ),
            AdviceRequest(
                case_id=family_case.id,
                kind=AdviceKind.HEALTH,
                service_name="the health visitor",
                sent_on=date(2027, 1, 20),
                received_on=date(2027, 2, 20),
            ),
        ]
    )
    db.session.commit()
    page = _open(client_request, case_officer, family_case)
    table_rows = [
        [" ".join(td.get_text(" ").split()) for td in tr.select("td")]
        for tr in page.html.select("#deadlines + [role=region] table tbody tr")
    ]
    done = next(cells for cells in table_rows if cells[0] == "Advice from the health visitor")
    # Said once, with the day it was done: not "(done on time)" beside "Done on time".
    assert done[1:] == ["Wednesday 3 March 2027", "Done on time Done on Saturday 20 February 2027"]
    rows = {
        cells[0]: cells[2]
        for cells in (
            [" ".join(td.get_text(" ").split()) for td in tr.select("td")]
            for tr in page.html.select("#deadlines + [role=region] table tbody tr")
        )
    }
    assert rows == {
        "Advice from Dr Eve Psych, the educational psychologist": "Late",
        "Advice from the health visitor": "Done on time Done on Saturday 20 February 2027",
        "Decision on whether to make a plan": "Due",
        "Final plan": "Due",
    }


@pytest.mark.parametrize(
    ("stage", "letter_field"),
    [
        (Stage.NOT_ASSESSING, "assessment_decided_on"),
        (Stage.NOT_ISSUING, "not_issuing_notified_on"),
        (Stage.CEASED, "ceased_on"),
    ],
)
def test_a_no_decision_shows_the_right_to_appeal_and_its_last_day(
    client_request, tracker_today, parent, family_case, stage, letter_field
):
    """After a "no", the family reads about mediation and appeal, the last day (2 months from
    the letter) and a link to the help page."""
    family_case.stage = stage
    db.session.commit()
    set_milestones(family_case, **{letter_field: date(2027, 3, 1)})
    page = _open(client_request, parent, family_case)
    main = page.text("main")
    assert "If you disagree" in main
    assert "mediation" in main
    assert "Saturday 1 May 2027 (in 52 days)" in main
    assert page.html.select_one('main a[href="/help/if-you-disagree"]') is not None


@pytest.mark.parametrize(
    ("stage", "words"),
    [
        ("request", "Talk to your case officer first"),
        ("assessment", "has not been asked for advice"),
        ("decision", "2 months from the date on the letter"),
        ("draft", "at least 15 days to comment on the draft plan"),
        ("final", "appeal to a tribunal within 2 months"),
        ("review", "If the council suggests changes, you have at least 15 days"),
    ],
)
def test_an_open_case_tells_the_family_how_to_disagree_at_its_stage(
    client_request, tracker_today, parent, senco, family_case, stage, words
):
    """At every open stage the parent reads what they can do if they disagree, with the free
    advice service's number and the help page; a school reads no such box."""
    family_case.stage = stage
    db.session.commit()
    page = _open(client_request, parent, family_case)
    box = page.text("[aria-labelledby=disagree-heading]")
    assert words in box
    assert "01234 567 999" in box  # the (demo) information, advice and support service
    assert page.html.select_one('main a[href="/help/if-you-disagree"]') is not None
    school = _open(client_request, senco, family_case)
    assert school.html.select_one("#disagree-heading") is None


def test_a_young_person_is_told_how_to_say_they_do_not_agree(
    client_request, tracker_today, young_person, family_case
):
    """The young person's box uses their words: the person who looks after the plan, an adult
    they trust."""
    page = _open(client_request, young_person, family_case)
    box = page.text("[aria-labelledby=disagree-heading]")
    assert "If you do not agree" in box and "an adult you trust" in box


def test_who_can_see_this_case_lists_everyone_near_the_top(
    client_request, tracker_today, parent, family_case, psychologist, case_officer
):
    """The family sees the case officer and every person with access, and who each is, with
    what each may do a link away; someone whose access ended is not listed."""
    revoked = factories.grant(family_case, psychologist, Relationship.EDUCATIONAL_PSYCHOLOGIST)
    revoked.revoked_at = datetime(2027, 3, 1)
    db.session.commit()
    page = _open(client_request, parent, family_case)
    lines = {
        li.select_one("strong").get_text(): " ".join(li.get_text(" ").split())
        for li in page.html.select("#who-can-see + ul li")
    }
    assert set(lines) == {"Chris Officer", "Pat Parent", "Yara Young", "Sally Senco"}
    assert "case officer" in lines["Chris Officer"]
    assert "school or setting" in lines["Sally Senco"]
    link = page.html.select_one("#who-can-see ~ p a")
    assert link["href"] == f"/cases/{family_case.public_id}/people"
    # What each may do is on the People page, a link away.
    people = client_request.get("people.case_people", case_id=family_case.public_id)
    assert "Sally Senco" in people.text("main")


def test_the_timeline_shows_each_reader_only_what_they_may_see(
    client_request, tracker_today, parent, senco, case_officer, family_case
):
    """Families see entries for everyone; schools also see "professionals only" (marked as such);
    the case officer also sees council notes; nobody sees the audit trail."""
    add_event(family_case, visibility=Visibility.EVERYONE, summary="Request received")
    add_event(family_case, visibility=Visibility.PROFESSIONALS, summary="Note for professionals")
    add_event(family_case, visibility=Visibility.COUNCIL, summary="Note for the council")
    add_event(family_case, visibility=Visibility.AUDIT, summary="Looked at the case")

    def titles(person):
        return _open(client_request, person, family_case).texts(".portal-timeline__title")

    assert titles(parent) == ["Request received"]
    school_page = _open(client_request, senco, family_case)
    assert school_page.texts(".portal-timeline__title") == [
        "Note for professionals",
        "Request received",
    ]
    assert "Professionals only" in school_page.texts(".portal-timeline__item")[0]
    assert titles(case_officer) == [
        "Note for the council",
        "Note for professionals",
        "Request received",
    ]


def test_the_timeline_is_newest_first_with_older_entries_a_link_away(
    client_request, tracker_today, parent, family_case
):
    """The overview shows the 3 newest entries; the History page the 20 newest; "Show older
    entries" opens the rest as a page without JavaScript, or as a small fragment for htmx."""
    start = datetime(2027, 1, 1, 9, 0)
    for n in range(25):
        add_event(
            family_case,
            visibility=Visibility.EVERYONE,
            summary=f"Entry {n}",
            at=start + timedelta(days=n),
        )
    overview = _open(client_request, parent, family_case)
    assert overview.texts(".portal-timeline__title") == ["Entry 24", "Entry 23", "Entry 22"]
    history = overview.html.find("a", string="Everything that has happened on this case")
    assert history["href"] == f"/cases/{family_case.public_id}/timeline"
    page = client_request.get("cases.case_timeline", case_id=family_case.public_id)
    assert page.h1 == "What has happened"
    titles = page.texts(".portal-timeline__title")
    assert titles == [f"Entry {n}" for n in range(24, 4, -1)]
    link = page.html.select_one("main a[hx-get]")
    assert link.get_text() == "Show older entries" and link["href"] == link["hx-get"]

    before = int(link["href"].rsplit("before=", 1)[1])
    full = client_request.get("cases.case_timeline", case_id=family_case.public_id, before=before)
    assert full.h1 == "Earlier on this case"
    assert full.texts(".portal-timeline__title") == [f"Entry {n}" for n in range(4, -1, -1)]

    part = client_request.get(
        "cases.case_timeline", case_id=family_case.public_id, before=before, htmx=True
    )
    fragment = part.response.get_data(as_text=True)
    assert part.html.select_one("h1") is None
    assert len(fragment) < 5000
    assert "HX-Request" in part.response.headers["Vary"]
    assert part.texts(".portal-timeline__title") == [f"Entry {n}" for n in range(4, -1, -1)]
    assert part.html.select_one("[data-portal-focus]") is not None
    assert part.html.select_one("[data-portal-announce]")["data-portal-announce"] == (
        "5 more entries shown"
    )
    assert "Show older entries" not in fragment


def test_audit_events_never_reach_the_timeline(client_request, tracker_today, parent, family_case):
    """Each view of the case is audited, but the audit trail is not on anyone's timeline."""
    _open(client_request, parent, family_case)
    page = _open(client_request, parent, family_case)
    assert page.html.select(".portal-timeline__item") == []
    assert "Nothing has happened on this case yet." in page.text("#case-history")


def test_the_public_pathway_page_shows_the_general_pathway_above_its_content(
    client_request, tmp_path
):
    """Anyone can see the seven steps, each with its usual timing, above the explanation."""
    (tmp_path / "pathway.md").write_text(
        "---\nslug: pathway\ntitle: The EHC plan steps\nsummary: How a plan is made.\n"
        "audience: everyone\n---\nA plan says what help a child must get.\n"
    )
    load_folder(tmp_path)
    page = client_request.get("pages.pathway")
    assert page.h1 == "The EHC plan steps"
    steps = page.html.select("ol.portal-pathway > li")
    assert len(steps) == 7
    assert page.texts(".portal-pathway__state")[0] == "Step 1 of 7"
    assert "The council decides by week 6" in page.texts(".portal-pathway__date")
    assert page.html.select('[aria-current="step"]') == []
    assert "A plan says what help a child must get." in page.text(".portal-prose")
    pathway_list = page.html.select_one("ol.portal-pathway")
    prose = page.html.select_one(".portal-prose")
    assert pathway_list.sourceline < prose.sourceline


@pytest.mark.parametrize(
    "who", ["parent2", "other_council_officer", "admin", "editor", "psychologist"]
)
def test_the_case_and_its_history_are_hidden_from_everyone_else(
    request, client_request, family_case, who
):
    """Someone without access gets the same 404 for the case, its older entries (page or htmx)
    and its update form, so they cannot even tell the case exists."""
    client_request.sign_in_as(request.getfixturevalue(who))
    case_id = family_case.public_id
    client_request.get("cases.case_page", case_id=case_id, expected_status=404)
    client_request.get("cases.case_timeline", case_id=case_id, expected_status=404)
    response = client_request.client.get(
        f"/cases/{case_id}/timeline", headers={"HX-Request": "true"}
    )
    assert response.status_code == 404
    assert "portal-timeline" not in response.get_data(as_text=True)
    client_request.get("cases.post_update", case_id=case_id, expected_status=404)


def test_the_panel_lists_every_open_date_soonest_first_naming_each_adviser(
    client_request, tracker_today, parent, senco, psychologist, family_case
):
    """During the assessment the parent sees the next date and every other open one, soonest
    first: each adviser named with who they are, and the council's week-16 and week-20 dates;
    advice already in is not listed."""
    _receive(family_case, date(2027, 1, 4))
    family_case.stage = Stage.ASSESSMENT
    db.session.add_all(
        [
            AdviceRequest(
                case_id=family_case.id,
                kind=AdviceKind.EDUCATIONAL,
                adviser_id=senco.id,
                sent_on=date(2027, 2, 1),  # due 15 March
            ),
            AdviceRequest(
                case_id=family_case.id,
                kind=AdviceKind.PSYCHOLOGICAL,
                adviser_id=psychologist.id,
                sent_on=date(2027, 2, 8),  # due 22 March
            ),
            AdviceRequest(
                case_id=family_case.id,
                kind=AdviceKind.HEALTH,
                service_name="the health visitor",
                sent_on=date(2027, 1, 20),
                received_on=date(2027, 2, 20),
            ),
        ]
    )
    db.session.commit()
    page = _open(client_request, parent, family_case)
    panel = page.text(".portal-where-we-are")
    assert "Advice from Sally Senco at the school: Monday 15 March 2027" in panel
    others = page.texts(".portal-open-dates li")
    assert [line.split(":")[0] for line in others] == [
        "Advice from Dr Eve Psych, the educational psychologist",
        "Decision on whether to make a plan",
        "Final plan",
    ]
    assert "health visitor" not in panel


def test_the_family_reads_its_own_dates_as_yours(
    client_request, tracker_today, parent, case_officer, family_case
):
    """At the draft stage the parent reads "Your comments on the draft plan"; the case officer
    reads the family's."""
    _receive(family_case, date(2027, 1, 4))
    family_case.stage = Stage.DRAFT
    db.session.commit()
    set_milestones(family_case, draft_sent_on=date(2027, 3, 5))
    parent_panel = _open(client_request, parent, family_case).text(".portal-where-we-are")
    assert "Your comments on the draft plan" in parent_panel
    assert "Family's comments" not in parent_panel
    officer_page = _open(client_request, case_officer, family_case)
    assert "Family's comments on the draft plan" in officer_page.text("#deadlines + [role=region]")


def test_what_happens_next_follows_the_step_within_the_stage(
    client_request, tracker_today, parent, family_case
):
    """Once every piece of advice is in, the parent is told the council now decides about a
    plan, not that it is waiting for advice (the rules: tests/test_pathway_next_step.py)."""
    _receive(family_case, date(2027, 1, 4))
    family_case.stage = Stage.ASSESSMENT
    request = AdviceRequest(
        case_id=family_case.id,
        kind=AdviceKind.HEALTH,
        service_name="the health visitor",
        sent_on=date(2027, 1, 20),
    )
    db.session.add(request)
    db.session.commit()
    waiting = _open(client_request, parent, family_case).text(".portal-where-we-are")
    assert "waiting for advice about your child" in waiting
    request.received_on = date(2027, 2, 20)
    db.session.commit()
    all_in = _open(client_request, parent, family_case).text(".portal-where-we-are")
    assert "All the advice is in" in all_in and "waiting for advice" not in all_in
