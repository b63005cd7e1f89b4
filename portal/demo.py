"""`flask demo`: fill an empty database with a small, realistic council to try the portal with.

Dates are relative to today, so the demo always has cases that are on time, due soon and late.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, update

from portal import audit, clock
from portal.accounts import second_factor
from portal.accounts.models import Organisation, OrganisationKind, Role, User
from portal.accounts.passwords import hash_password, password_problem
from portal.audit import Event
from portal.cases.models import Case, CaseGrant, Child, Relationship
from portal.casework.steps import assessment, lawful_delays, plan
from portal.casework.steps import review as review_steps
from portal.documents.demo import load_demo_documents
from portal.extensions import db
from portal.funding.demo import load_demo_bandings
from portal.funding.money import FinancialYear
from portal.funding.tariff import load_demo_tariffs
from portal.notifications import services as notification_services
from portal.plans.demo import load_demo_plans
from portal.pledge.demo import load_demo_signatures
from portal.quality.demo import load_demo_audits

DEMO_ACCOUNTS = [
    # email, name, role, organisation key, job title
    ("parent@example.org", "Sam Taylor", Role.PARENT, None, None),
    ("parent2@example.org", "Priya Sharma", Role.PARENT, None, None),
    ("young.person@example.org", "Jordan Ellis", Role.YOUNG_PERSON, None, None),
    (
        "senco@example.org",
        "Helen Brooks",
        Role.SCHOOL,
        "oakfield",
        "Special educational needs coordinator",
    ),
    (
        "senco2@example.org",
        "Daniel Okafor",
        Role.SCHOOL,
        "riverside",
        "Special educational needs coordinator",
    ),
    (
        "psychologist@example.org",
        "Dr Ruth Patel",
        Role.PROFESSIONAL,
        "ep",
        "Educational psychologist",
    ),
    (
        "health@example.org",
        "Grace Mensah",
        Role.PROFESSIONAL,
        "health",
        "Community paediatric nurse",
    ),
    ("officer@example.org", "Chris Walker", Role.CASE_OFFICER, "council", "EHC coordinator"),
    ("officer2@example.org", "Aisha Rahman", Role.CASE_OFFICER, "council", "EHC coordinator"),
    ("quality@example.org", "Nadia Okoro", Role.QUALITY_LEAD, "council", "Quality assurance lead"),
    ("auditor@example.org", "Tom Fielding", Role.AUDITOR, "council", "Plan quality auditor"),
    (
        "funding@example.org",
        "Owen Price",
        Role.FUNDING_OFFICER,
        "council",
        "High needs funding officer",
    ),
    (
        "editor@example.org",
        "Lucy Green",
        Role.CONTENT_EDITOR,
        "forum",
        "Parent Carer Forum officer",
    ),
    ("admin@example.org", "Mark Hughes", Role.ADMIN, "council", "Systems administrator"),
]

ORGANISATIONS = {
    "council": ("Northfield Council SEND Team", OrganisationKind.COUNCIL),
    "oakfield": ("Oakfield Primary School", OrganisationKind.SCHOOL),
    "riverside": ("Riverside Academy", OrganisationKind.SCHOOL),
    "acorns": ("Little Acorns Nursery", OrganisationKind.SCHOOL),
    "ep": ("Northfield Educational Psychology Service", OrganisationKind.EDUCATIONAL_PSYCHOLOGY),
    "health": ("Northfield Children’s Health Service", OrganisationKind.HEALTH),
    "social": ("Northfield Children’s Social Care", OrganisationKind.SOCIAL_CARE),
    "forum": ("Northfield Parent Carer Forum", OrganisationKind.PARENT_CARER_FORUM),
}


@dataclass
class DemoCase:
    first_name: str
    last_name: str
    age_years: int
    school: str
    stage: str
    weeks_since_request: int
    family: list[str] = field(default_factory=list)  # emails of family members on the case
    professionals: list[str] = field(default_factory=list)
    officer: str = "officer@example.org"


DEMO_CASES = [
    DemoCase(
        "Alfie",
        "Taylor",
        8,
        "oakfield",
        "assessment",
        9,
        family=["parent@example.org"],
        professionals=["senco@example.org", "psychologist@example.org", "health@example.org"],
    ),
    DemoCase(
        "Maya",
        "Sharma",
        6,
        "oakfield",
        "draft",
        17,
        family=["parent2@example.org"],
        professionals=["senco@example.org"],
    ),
    DemoCase(
        "Jordan",
        "Ellis",
        16,
        "riverside",
        "review",
        70,
        family=["young.person@example.org"],
        professionals=["senco2@example.org", "psychologist@example.org"],
    ),
    DemoCase("Leo", "Murphy", 4, "acorns", "request", 2),
    DemoCase("Isla", "Campbell", 10, "oakfield", "request", 7, professionals=["senco@example.org"]),
    DemoCase(
        "Noah",
        "Williams",
        9,
        "oakfield",
        "assessment",
        12,
        professionals=["senco@example.org", "psychologist@example.org"],
    ),
    DemoCase(
        "Ava",
        "Johnson",
        13,
        "riverside",
        "decision",
        15,
        professionals=["senco2@example.org", "psychologist@example.org"],
        officer="officer2@example.org",
    ),
    DemoCase("Oliver", "Brown", 7, "oakfield", "final", 21, professionals=["senco@example.org"]),
    DemoCase(
        "Zara",
        "Ahmed",
        11,
        "oakfield",
        "review",
        64,
        professionals=["senco@example.org"],
        officer="officer2@example.org",
    ),
    DemoCase(
        "Harry", "Davies", 14, "riverside", "not_assessing", 8, professionals=["senco2@example.org"]
    ),
    DemoCase("Mia", "Evans", 5, "acorns", "not_issuing", 18, officer="officer2@example.org"),
    DemoCase(
        "Ethan", "Roberts", 17, "riverside", "ceased", 120, professionals=["senco2@example.org"]
    ),
]

FAMILY_RELATIONSHIP = {
    Role.PARENT: Relationship.PARENT_CARER,
    Role.YOUNG_PERSON: Relationship.YOUNG_PERSON,
}
PROFESSIONAL_RELATIONSHIP = {
    OrganisationKind.SCHOOL: Relationship.SCHOOL,
    OrganisationKind.EDUCATIONAL_PSYCHOLOGY: Relationship.EDUCATIONAL_PSYCHOLOGIST,
    OrganisationKind.HEALTH: Relationship.HEALTH,
    OrganisationKind.SOCIAL_CARE: Relationship.SOCIAL_CARE,
}


class _Story:
    """Tells one demo case's story through the real services, so every fact, stage and timeline
    event is what a case officer would have produced. Days are counted from the request:
    ``self.week(9, 2)`` is 9 weeks and 2 days after it. Each event is dated on its own day."""

    def __init__(self, case: Case, officer, users: dict, organisations: dict) -> None:
        self.case, self.officer = case, officer
        self.users, self.organisations = users, organisations
        self.today = clock.today()

    def week(self, weeks: int, days: int = 0) -> date:
        return self.case.request_received_on + timedelta(weeks=weeks, days=days)

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def tell(self, story: Callable[[_Story], None]) -> None:
        story(self)

    def _on(self, day: date, act: Callable, *args, **kwargs):
        """Run one step, then date the events it wrote on ``day`` (not the moment of loading);
        returns the row the step made or changed."""
        assert day <= self.today, f"demo story for {self.case.child.first_name} is in the future"
        last_id = db.session.scalar(select(func.max(Event.id))) or 0
        result = act(self.officer, *args, **kwargs).subject
        db.session.execute(
            update(Event)
            .where(Event.id > last_id, Event.case_id == self.case.id)
            .values(occurred_at=datetime.combine(day, time(10, 30)))
        )
        db.session.commit()
        return result

    def decide(self, day: date, outcome: str = "yes") -> None:
        self._on(day, assessment.decide_assessment, self.case, outcome=outcome, letter_on=day)

    def advice(self, day: date, *, kind: str, who: str, received: date | None = None):
        adviser = self.users.get(who)
        request = self._on(
            day,
            assessment.send_advice_request,
            self.case,
            kind=kind,
            adviser=adviser,
            service_name=None if adviser else who,
            sent_on=day,
        )
        if received is not None:
            self._on(received, assessment.record_advice_received, request, received_on=received)
        return request

    def finish(self, day: date) -> None:
        self._on(day, assessment.finish_assessment, self.case, finished_on=day)

    def not_issuing(self, day: date) -> None:
        self._on(day, plan.notify_not_issuing, self.case, letter_on=day)

    def draft(self, day: date) -> None:
        self._on(day, plan.send_draft, self.case, sent_on=day)

    def comments(self, day: date, school: str | None = None) -> None:
        self._on(
            day,
            plan.record_family_comments,
            self.case,
            received_on=day,
            school_preference=school,
        )

    def consult(self, day: date, school_key: str, replied: date | None = None) -> None:
        consultation = self._on(
            day,
            plan.consult_school,
            self.case,
            school=self.organisations[school_key],
            school_name=None,
            consulted_on=day,
        )
        if replied is not None:
            self._on(replied, plan.record_school_reply, consultation, replied_on=replied)

    def final(self, day: date) -> None:
        self._on(day, plan.issue_final_plan, self.case, issued_on=day)

    def review(
        self,
        meeting: date,
        *,
        arranged: date,
        invited: date | None = None,
        report: date | None = None,
        decision: str | None = None,
        decided: date | None = None,
    ):
        review = self._on(arranged, review_steps.schedule_review, self.case, meeting_on=meeting)
        if invited:
            self._on(invited, review_steps.record_review_invitations, review, sent_on=invited)
        if report:
            self._on(report, review_steps.record_review_report, review, sent_on=report)
        if decision and decided:
            self._on(
                decided,
                review_steps.record_review_decision,
                review,
                decision=decision,
                decided_on=decided,
            )
        return review

    def transfer(self, day: date, year: int, kind: str) -> None:
        self._on(day, review_steps.set_phase_transfer, self.case, year=year, kind=kind)

    def cease(self, day: date) -> None:
        self._on(day, review_steps.cease_plan, self.case, letter_on=day)

    def delay(self, day: date, key: str, reason: str, why: str) -> None:
        self._on(
            day,
            lawful_delays.record_lawful_delay,
            self.case,
            deadline_key=key,
            reason=reason,
            applies_from=day,
            explanation=why,
        )


def _alfie(s: _Story) -> None:
    """Assessment, 9 weeks in: the psychologist's advice is in; the school's arrives when its
    SENCO uploads it with the demo documents (an upload counts as sent); health's is due."""
    s.decide(s.week(4))
    s.advice(s.week(4), kind="educational", who="senco@example.org")
    s.advice(s.week(4, 2), kind="psychological", who="psychologist@example.org", received=s.ago(3))
    s.advice(s.week(5), kind="health", who="health@example.org")


def _maya(s: _Story) -> None:
    """Draft plan sent 5 days ago: the family's 15 days are running; a school is consulted."""
    s.decide(s.week(5, 6))
    s.advice(s.week(6), kind="educational", who="senco@example.org", received=s.week(10))
    s.advice(
        s.week(6),
        kind="psychological",
        who="Northfield Educational Psychology Service",
        received=s.week(11),
    )
    s.finish(s.week(11))
    s.draft(s.ago(5))
    s.consult(s.ago(3), "oakfield")


def _jordan(s: _Story) -> None:
    """A plan reviewed 3 weeks ago: report sent, decision due soon; moving to college next year."""
    s.decide(s.week(5))
    s.advice(s.week(5), kind="educational", who="senco2@example.org", received=s.week(10))
    s.advice(s.week(5), kind="psychological", who="psychologist@example.org", received=s.week(11))
    s.finish(s.week(12))
    s.draft(s.week(15))
    s.comments(s.week(16), school="Riverside Academy")
    s.final(s.week(19))
    meeting = s.ago(21)
    s.review(
        meeting,
        arranged=meeting - timedelta(weeks=6),
        invited=meeting - timedelta(weeks=3),
        report=meeting + timedelta(days=9),
    )
    s.transfer(s.ago(14), s.today.year + 1, "post_16")


def _leo(s: _Story) -> None:
    """A new request, 2 weeks old: nothing decided yet."""


def _isla(s: _Story) -> None:
    """A request 7 weeks old with no decision: the 6-week limit has passed (late)."""


def _noah(s: _Story) -> None:
    """Assessment, 12 weeks in: the psychologist's advice is late; health advice is late too,
    but the child missed the appointment (an exception)."""
    s.decide(s.week(5))
    s.advice(s.week(5), kind="educational", who="senco@example.org", received=s.week(9))
    s.advice(s.week(5, 1), kind="psychological", who="psychologist@example.org")
    health = s.advice(s.week(5, 1), kind="health", who="Northfield Children’s Health Service")
    s.delay(
        s.week(9),
        f"advice:{health.id}",
        "missed_appointment",
        "Noah was unwell on the day of the clinic appointment. A new one is booked.",
    )


def _ava(s: _Story) -> None:
    """Deciding about a plan, 15 weeks in: a "no plan" letter would be due within a week."""
    s.decide(s.week(5, 3))
    s.advice(s.week(6), kind="educational", who="senco2@example.org", received=s.week(11))
    s.advice(s.week(6), kind="psychological", who="psychologist@example.org", received=s.week(12))
    s.finish(s.week(13))


def _oliver(s: _Story) -> None:
    """A final plan issued 3 days after the 20 weeks (late)."""
    s.decide(s.week(6))
    s.advice(s.week(6), kind="educational", who="senco@example.org", received=s.week(11))
    s.advice(
        s.week(6), kind="health", who="Northfield Children’s Health Service", received=s.week(12, 3)
    )
    s.finish(s.week(13))
    s.draft(s.week(16))
    s.comments(s.week(17), school="Oakfield Primary School")
    s.final(s.week(20, 3))


def _zara(s: _Story) -> None:
    """A plan in force since week 20, its first review in 3 weeks: invitations due this week."""
    s.decide(s.week(5))
    s.advice(s.week(5), kind="educational", who="senco@example.org", received=s.week(10))
    s.finish(s.week(11))
    s.draft(s.week(14))
    s.comments(s.week(15))
    s.final(s.week(19, 5))
    s.review(s.today + timedelta(weeks=3), arranged=s.ago(10))


def _harry(s: _Story) -> None:
    """The council decided not to assess 3 weeks ago: the family can still appeal."""
    s.decide(s.week(5), outcome="no")


def _mia(s: _Story) -> None:
    """Assessed, and the council decided not to make a plan: the family can appeal."""
    s.decide(s.week(5))
    s.advice(s.week(5), kind="educational", who="Little Acorns Nursery", received=s.week(10))
    s.advice(
        s.week(5), kind="health", who="Northfield Children’s Health Service", received=s.week(11)
    )
    s.finish(s.week(12))
    s.not_issuing(s.week(15, 2))


def _ethan(s: _Story) -> None:
    """A plan that ended after its second review, when Ethan left education."""
    s.decide(s.week(5))
    s.advice(s.week(5), kind="educational", who="senco2@example.org", received=s.week(10))
    s.finish(s.week(11))
    s.draft(s.week(14))
    s.comments(s.week(15))
    s.final(s.week(19))
    s.review(
        s.week(67),
        arranged=s.week(60),
        invited=s.week(64),
        report=s.week(68),
        decision="keep",
        decided=s.week(69),
    )
    s.review(
        s.week(112),
        arranged=s.week(105),
        invited=s.week(109),
        report=s.week(113),
        decision="cease",
        decided=s.week(114),
    )
    s.cease(s.week(115))


#: Each demo case's story, by the child's first name.
STORIES: dict[str, Callable[[_Story], None]] = {
    "Alfie": _alfie,
    "Maya": _maya,
    "Jordan": _jordan,
    "Leo": _leo,
    "Isla": _isla,
    "Noah": _noah,
    "Ava": _ava,
    "Oliver": _oliver,
    "Zara": _zara,
    "Harry": _harry,
    "Mia": _mia,
    "Ethan": _ethan,
}


def _birthday(today: date, age_years: int, index: int) -> date:
    return date(today.year - age_years, 1 + index % 12, 1 + (index * 7) % 28)


def load_demo_data(password: str) -> dict[str, User]:
    """Create the demo council. The database must be empty."""
    today = clock.today()
    password_hash = hash_password(password)
    organisations = {
        key: Organisation(name=name, kind=kind) for key, (name, kind) in ORGANISATIONS.items()
    }
    db.session.add_all(organisations.values())
    users: dict[str, User] = {}
    for email, name, role, org_key, job_title in DEMO_ACCOUNTS:
        users[email] = User(
            email=email,
            name=name,
            role=role,
            job_title=job_title,
            organisation=organisations[org_key] if org_key else None,
            password_hash=password_hash,
            phone=current_app.config["COUNCIL_CONTACT_PHONE"]
            if role == Role.CASE_OFFICER
            else None,
        )
    db.session.add_all(users.values())
    db.session.flush()
    # Council staff must sign in with a second factor: the demo's staff share one documented
    # secret, so anyone trying the demo can add it to an app, or ask `flask accounts code`.
    for user in users.values():
        if Role(user.role).must_use_second_factor:
            second_factor.use_demo_secret(user)

    stories: list[tuple[DemoCase, Case]] = []
    for index, spec in enumerate(DEMO_CASES, start=1):
        received = today - timedelta(weeks=spec.weeks_since_request, days=index % 4)
        child = Child(
            first_name=spec.first_name,
            last_name=spec.last_name,
            date_of_birth=_birthday(today, spec.age_years, index),
            school=organisations[spec.school],
        )
        officer = users[spec.officer]
        case = Case(
            reference=f"EHC-{received.year}-{index:04d}",
            child=child,
            team=organisations["council"],
            case_officer=officer,
            request_received_on=received,
            stage="request",  # the case's story (below) moves it on through the services
            requested_by="parent" if spec.family else "school",
        )
        db.session.add(case)
        for email in spec.family:
            member = users[email]
            db.session.add(
                CaseGrant(
                    case=case,
                    user=member,
                    relationship_to_child=FAMILY_RELATIONSHIP[member.role],
                    can_view_documents=True,
                    can_add_documents=True,
                    can_post_updates=False,
                    granted_by_id=officer.id,
                )
            )
        for email in spec.professionals:
            member = users[email]
            assert member.organisation is not None  # every demo professional has one
            db.session.add(
                CaseGrant(
                    case=case,
                    user=member,
                    relationship_to_child=PROFESSIONAL_RELATIONSHIP[member.organisation.kind],
                    can_view_documents=True,
                    can_add_documents=True,
                    can_post_updates=True,
                    granted_by_id=officer.id,
                )
            )
        db.session.flush()
        stories.append((spec, case))
    db.session.commit()
    for spec, case in stories:
        _Story(case, users[spec.officer], users, organisations).tell(STORIES[spec.first_name])
        assert case.stage == spec.stage, (spec.first_name, case.stage)
    load_demo_signatures(users)
    load_demo_documents(users)
    load_demo_plans(users)
    load_demo_tariffs(FinancialYear.containing(clock.today()))
    load_demo_bandings(users)
    load_demo_audits(users)
    # The stories back-date their events, so the audit chain is made again over the demo data.
    audit.rechain_for_demo()
    return users


@click.command("demo")
@click.option("--password", help="The password for every demo account (12 characters or more).")
@click.option(
    "--if-empty", is_flag=True, help="Do nothing (and succeed) if there are accounts already."
)
@with_appcontext
def demo_command(password: str | None, if_empty: bool) -> None:
    """Fill an EMPTY database with demo organisations, accounts and cases."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("Demo data is never loaded in production.")
    if db.session.scalar(select(func.count()).select_from(User)):
        if if_empty:
            click.echo("The database already has data: demo data not loaded.")
            click.echo(
                "Sign in at http://127.0.0.1:5000/sign-in (see README.md for the demo accounts)."
            )
            return
        raise click.ClickException(
            "The database already has accounts: demo data is only for an empty one."
        )
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    load_demo_data(password)
    # The demo's history is in everyone's What's new, but nobody is emailed about it.
    notification_services.forget_unsent_email()
    click.echo(f"Loaded demo data: {len(DEMO_ACCOUNTS)} accounts, {len(DEMO_CASES)} cases.")
    click.echo("Sign in at http://127.0.0.1:5000/sign-in as any of:")
    for email, _name, role, _org, _title in DEMO_ACCOUNTS:
        click.echo(f"  {email:<28} {role.label}")
    click.echo(
        f"Password: {password}"
        + (" (generated; use --password to choose one)" if generated else "")
    )
    click.echo(
        "Council staff also give a code from an authenticator app set up with the demo key "
        f"{second_factor.DEMO_SECRET}, or from `flask --app app accounts code EMAIL`."
    )
