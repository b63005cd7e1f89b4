"""`flask deadlines rebuild | check`: the stored next deadlines of every case."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.cases import schedule

deadlines_cli = AppGroup("deadlines", help="The stored next deadline of each case.")


@deadlines_cli.command("rebuild")
def rebuild_command() -> None:
    """Work out every case's stored next deadline again (after a migration or a rule change)."""
    click.echo(f"Stored deadlines worked out for {schedule.rebuild():,} cases.")


@deadlines_cli.command("check")
def check_command() -> None:
    """Say whether any stored next deadline differs from what the rules say today, or any team
    tally of the dashboard or grant's copy of its case's next deadline from the stored ones."""
    wrong = schedule.disagreements()
    tallies = schedule.tally_disagreements()
    grants = schedule.grant_disagreements()
    problems = (
        (wrong, "cases' stored deadlines differ from the rules (case ids ", ", ", 20),
        (tallies, "of the dashboard's team tallies differ from the stored deadlines (", "; ", 5),
        (grants, "grants' copies of their case's next deadline differ (grant ids ", ", ", 20),
    )
    for found, what, between, shown in problems:
        if found:
            listed = between.join(map(str, found[:shown]))
            raise click.ClickException(
                f"{len(found)} {what}{listed}): run `flask deadlines rebuild`."
            )
    click.echo(
        "Every stored deadline agrees with the rules, and the team tallies and the grants' "
        "copies with them."
    )
