"""`flask audit verify`: prove the audit trail has not been changed, reordered or cut.
`flask retention list` and `flask retention delete`: the retention rule for closed cases."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from portal import audit, clock
from portal.extensions import db
from portal.records import retention

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


retention_cli = AppGroup("retention", help="Delete closed cases past the council's retention rule.")


@retention_cli.command("list")
def retention_list_command() -> None:
    """List the closed cases past the retention rule today (nothing is deleted)."""
    due = retention.due_for_deletion(clock.today())
    if not due:
        click.echo("No closed case is past the retention rule.")
        return
    click.echo(f"{len(due)} closed case(s) past the retention rule:")
    for item in due:
        click.echo(
            f"  {item.reference}  {item.stage:<14} closed {item.closed_on}  "
            f"kept until {item.keep_until}"
        )


@retention_cli.command("delete")
@click.option("--yes", is_flag=True, help="Delete without asking (for a scheduled job).")
def retention_delete_command(yes: bool) -> None:
    """Delete the cases `flask retention list` shows, one transaction each, keeping a record of
    each deletion. Run `flask documents clean` afterwards to remove their stored files."""
    due = retention.due_for_deletion(clock.today())
    if not due:
        click.echo("No closed case is past the retention rule.")
        return
    if not yes:
        click.confirm(f"Delete {len(due)} closed case(s) and everything in them?", abort=True)
    for item in due:
        record = retention.delete_case(item, by=None)
        db.session.commit()
        click.echo(
            f"Deleted {record.reference}: {record.rows_deleted} rows, "
            f"{record.audit_entries_redacted} audit entries emptied."
        )
