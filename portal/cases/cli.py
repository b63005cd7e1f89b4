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


def _fail_if_any(found: list, what: str, shown: list, label: str = "", between: str = ", ") -> None:
    """End the command with an error if `found` holds anything: how many, what is wrong, and
    the first few (`shown`)."""
    if found:
        listed = between.join(map(str, shown))
        raise click.ClickException(
            f"{len(found)} {what} ({label}{listed}): run `flask deadlines rebuild`."
        )


@deadlines_cli.command("check")
def check_command() -> None:
    """Say whether any stored next deadline differs from what the rules say today, or any team
    tally of the dashboard or grant's copy of its case's next deadline from the stored ones."""
    wrong = schedule.disagreements()
    _fail_if_any(wrong, "cases' stored deadlines differ from the rules", wrong[:20], "case ids ")
    tallies = schedule.tally_disagreements()
    what = "of the dashboard's team tallies differ from the stored deadlines"
    _fail_if_any(tallies, what, tallies[:5], between="; ")
    grants = schedule.grant_disagreements()
    what = "grants' copies of their case's next deadline differ"
    _fail_if_any(grants, what, grants[:20], "grant ids ")
    click.echo(
        "Every stored deadline agrees with the rules, and the team tallies and the grants' "
        "copies with them."
    )
