"""`flask --app app documents clean`: remove files left over by uploads that never finished."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup

from portal.documents import intake, services

documents_cli = AppGroup("documents", help="Look after uploaded documents.")


@documents_cli.command("clean")
@click.option(
    "--older-than-minutes",
    default=int(services.ORPHAN_AGE.total_seconds() // 60),
    show_default=True,
    type=click.IntRange(min=1),
    help="Only remove files at least this old (younger ones may be uploads in progress).",
)
def clean_command(older_than_minutes: int) -> None:
    """Delete stored files that no document refers to, and stale temporary files."""
    cleaned = services.clean_storage(
        intake.storage(), older_than=timedelta(minutes=older_than_minutes)
    )
    click.echo(
        f"Removed {cleaned.orphans} left-over files and {cleaned.temporary_files} temporary files."
    )
