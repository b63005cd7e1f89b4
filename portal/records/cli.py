"""`flask audit seal | verify`: seal the newest audit entries into the hash chain, and prove the
trail has not been changed, reordered or cut. `flask retention list | delete`: the retention rule
for closed cases."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from portal import audit, clock
from portal.extensions import db
from portal.records import retention

audit_cli = AppGroup("audit", help="Seal and check the audit trail.")


@audit_cli.command("seal")
@click.option("--batch", default=5000, show_default=True, help="Entries sealed at a time.")
def seal_command(batch: int) -> None:
    """Give every entry not yet in the hash chain its place and hash, in order (the
    notifications worker does this every few seconds; this does it now)."""
    started = time.perf_counter()
    sealed = audit.seal_unchained(batch=batch)
    seconds = time.perf_counter() - started
    click.echo(
        f"Sealed {sealed:,} audit {'entry' if sealed == 1 else 'entries'} in {seconds:.1f} s."
    )


@audit_cli.command("verify")
@click.option("--batch", default=5000, show_default=True, help="Entries read at a time.")
@click.option(
    "--no-seal",
    is_flag=True,
    help="Only check (for example on a read-only copy): do not seal the newest entries first.",
)
def verify_command(batch: int, no_seal: bool) -> None:
    """Seal the newest entries, then walk the whole audit trail and check each entry's hash
    against the one before it. Exits with status 1 and names the first broken entry if anything
    sealed was changed or deleted. Entries written since are reported as not yet sealed."""
    started = time.perf_counter()
    sealed = 0 if no_seal else audit.seal_unchained(batch=batch)
    verdict = audit.verify_chain(batch=batch)
    seconds = time.perf_counter() - started
    if verdict.ok:
        click.echo(
            f"Audit trail OK: {verdict.checked:,} entries checked in {seconds:.1f} s"
            + (f" ({sealed:,} of them sealed just now)." if sealed else ".")
        )
        if verdict.unsealed:
            waiting = (
                "1 newer entry is"
                if verdict.unsealed == 1
                else f"{verdict.unsealed:,} newer entries are"
            )
            click.echo(f"{waiting} not yet sealed (written since); checked once sealed.")
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
