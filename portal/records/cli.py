"""`flask audit verify`: prove the audit trail has not been changed, reordered or cut."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from portal import audit

audit_cli = AppGroup("audit", help="Check the audit trail.")


@audit_cli.command("verify")
@click.option("--batch", default=5000, show_default=True, help="Entries read at a time.")
def verify_command(batch: int) -> None:
    """Walk the whole audit trail and check each entry's hash against the one before it.
    Exits with status 1 and names the first broken entry if anything was changed or deleted."""
    started = time.perf_counter()
    verdict = audit.verify_chain(batch=batch)
    seconds = time.perf_counter() - started
    if verdict.ok:
        click.echo(f"Audit trail OK: {verdict.checked:,} entries checked in {seconds:.1f} s.")
        return
    click.echo(f"Audit trail BROKEN: {verdict.problem}.", err=True)
    click.echo(f"{verdict.checked:,} entries before it were intact.", err=True)
    raise SystemExit(1)
