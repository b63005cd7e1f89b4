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
    if wrong:
        raise click.ClickException(
            f"{len(wrong)} cases' stored deadlines differ from the rules (case ids "
            f"{', '.join(map(str, wrong[:20]))}): run `flask deadlines rebuild`."
        )
    tallies = schedule.tally_disagreements()
    if tallies:
        raise click.ClickException(
            f"{len(tallies)} of the dashboard's team tallies differ from the stored deadlines "
            f"({'; '.join(tallies[:5])}): run `flask deadlines rebuild`."
        )
    grants = schedule.grant_disagreements()
    if grants:
        raise click.ClickException(
            f"{len(grants)} grants' copies of their case's next deadline differ from it (grant "
            f"ids {', '.join(map(str, grants[:20]))}): run `flask deadlines rebuild`."
        )
    click.echo(
        "Every stored deadline agrees with the rules, and the team tallies and the grants' "
        "copies with them."
    )
