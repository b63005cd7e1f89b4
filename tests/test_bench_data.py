"""`flask bench-data N` (the benchmark's data) and the SQL statement and row counter."""

from sqlalchemy import func, select

from portal import sqlstats
from portal.accounts.models import User
from portal.audit import Event
from portal.cases.models import AdviceRequest, Case, CaseGrant, CaseMilestones, Relationship, Review
from portal.demo import load_demo_data
from portal.documents.models import Document
from portal.extensions import db


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_bench_data_grows_the_demo_to_the_number_of_cases_asked_for(app):
    """The demo grows to N cases, each with facts fitting its stage, events and documents; a
    second run with the same N adds nothing."""
    load_demo_data("demo-portal-password")
    result = app.test_cli_runner().invoke(args=["bench-data", "60"])
    assert result.exit_code == 0, result.output
    assert _count(Case) == 60
    assert _count(CaseMilestones) >= 48 and _count(AdviceRequest) > 60 and _count(Review) > 10
    assert _count(Event) > 48 * 30 and _count(Document) >= 480
    # Each added case has a family: a parent's account with a grant on it (and no password).
    parents = (
        select(func.count())
        .select_from(CaseGrant)
        .where(
            CaseGrant.relationship_to_child == Relationship.PARENT_CARER,
            CaseGrant.public_id.like("bp%"),
        )
    )
    assert db.session.scalar(parents) == 60 - 12
    assert (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.email.like("bench.parent.%"))
        )
        == 60 - 12
    )
    stages = set(db.session.scalars(select(Case.stage).distinct()))
    assert {"request", "assessment", "review"} <= stages
    again = app.test_cli_runner().invoke(args=["bench-data", "60"])
    assert again.exit_code == 0 and _count(Case) == 60


def test_bench_data_refuses_production_and_an_empty_database(app):
    """Never in production; and it needs the demo's people to hang the cases on."""
    empty = app.test_cli_runner().invoke(args=["bench-data", "10"])
    assert empty.exit_code != 0 and "flask demo" in empty.output
    app.config["PORTAL_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["bench-data", "10"])
    assert result.exit_code != 0 and _count(Case) == 0


def test_sql_counter_counts_statements_and_rows_fetched(app):
    """The counter sees each statement and every row the database hands back."""
    load_demo_data("demo-portal-password")
    cases = _count(Case)
    with sqlstats.counting() as stats:
        db.session.scalars(select(Case.id)).all()
        db.session.scalars(select(Case.id).limit(3)).all()
    assert stats.queries == 2
    assert stats.rows_by_statement == [cases, 3]
    assert stats.rows == cases + 3
    with sqlstats.counting() as after:
        pass
    assert after.rows == 0 and after.queries == 0
