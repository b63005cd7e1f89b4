"""`flask bench-data N` (the benchmark's data) and the SQL statement and row counter."""

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
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


def _bench_script():
    """`scripts/bench.py` as a module (the scripts folder is not a package)."""
    path = Path(__file__).resolve().parent.parent / "scripts" / "bench.py"
    spec = importlib.util.spec_from_file_location("bench_script", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="the meter reads Linux's /proc")
def test_the_benchmark_counts_the_cpu_its_processes_and_their_children_use():
    """The benchmark's CPU a request: a gunicorn's workers are children of the process it
    started, so a child that burns 0.3 s of CPU after the first look is counted, per request."""
    bench = _bench_script()
    # The parent starts the child and passes its input on; on "go" the child burns 0.3 s of CPU
    # and says so; then both wait for their input to end.
    child = textwrap.dedent("""
        import sys, time
        sys.stdin.readline()
        start = time.process_time()
        while time.process_time() - start < 0.3:
            pass
        print("burnt", flush=True)
        sys.stdin.read()
    """)
    parent_program = textwrap.dedent("""
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", sys.argv[1]], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)
        print("started", flush=True)
        for line in sys.stdin:
            child.stdin.write(line)
            child.stdin.flush()
            print(child.stdout.readline().strip(), flush=True)
        child.stdin.close()
        child.wait()
    """)
    with subprocess.Popen(
        [sys.executable, "-c", parent_program, child],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as parent:
        parent.stdout.readline()  # the child is running (and idle)
        meter = bench.CpuMeter([parent], database=False)
        before = meter.snapshot()
        parent.stdin.write("go\n")
        parent.stdin.flush()
        assert parent.stdout.readline().strip() == "burnt"
        app_ms, database_ms = meter.per_request(before, requests=3)
        parent.stdin.close()  # both end
    assert 100 - 15 <= app_ms <= 100 + 40  # 300 ms of CPU over 3 requests (ticks of 10 ms)
    assert database_ms == 0
