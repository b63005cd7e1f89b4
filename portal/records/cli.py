"""`flask audit seal | verify | anchor`: seal the newest audit entries into the hash chain, prove
the trail has not been changed, reordered or cut, and record the chain's head outside the
database. `flask retention list | delete`: the retention rule for closed cases."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from portal import audit, audit_anchor, clock
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
@click.option(
    "--anchor",
    "anchor_file",
    type=click.File("r", encoding="utf-8"),
    help="A file of anchors (`flask audit anchor`): check each is still in the chain.",
)
def verify_command(batch: int, no_seal: bool, anchor_file) -> None:
    """Seal the newest entries, then walk the whole audit trail and check each entry's hash
    against the one before it. Exits with status 1 and names the first broken entry if anything
    sealed was changed or deleted. Entries written since are reported as not yet sealed.

    With --anchor, also checks that every entry anchored in the file still has the hash it had
    then (a chain rewritten and re-hashed, or cut short, by someone with database access
    passes the walk but not this), and names each anchor that no longer matches."""
    anchors: list = []
    if anchor_file is not None:
        anchors, unreadable = audit_anchor.read_anchors(anchor_file, anchor_file.name)
        if unreadable or not anchors:
            for problem in unreadable or [f"{anchor_file.name} holds no audit anchors"]:
                click.echo(f"Cannot check the anchors: {problem}.", err=True)
            raise SystemExit(2)
    started = time.perf_counter()
    sealed = 0 if no_seal else audit.seal_unchained(batch=batch)
    verdict = audit.verify_chain(batch=batch)
    seconds = time.perf_counter() - started
    if verdict.ok and anchors:
        _check_anchors(anchors, verdict.checked)
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
        if anchors:
            newest = max((anchor for _, anchor in anchors), key=lambda anchor: anchor.seq)
            click.echo(
                f"Anchors OK: all {len(anchors):,} still match the chain; "
                f"the furthest is {newest.described()}."
            )
        return
    click.echo(f"Audit trail BROKEN: {verdict.problem}.", err=True)
    click.echo(f"{verdict.checked:,} entries before it were intact.", err=True)
    raise SystemExit(1)


def _check_anchors(anchors: list, checked: int) -> None:
    """Exit with status 1, naming each anchor the chain no longer agrees with, if any."""
    mismatches = audit_anchor.check_anchors(anchors)
    if not mismatches:
        return
    for mismatch in mismatches:
        click.echo(
            f"Audit trail BROKEN: {mismatch.where} no longer matches: {mismatch.problem}.",
            err=True,
        )
    click.echo(
        f"{len(mismatches):,} of {len(anchors):,} anchors no longer match the chain. Its "
        f"{checked:,} entries still hash one to the next, so it has been rewritten and "
        "re-hashed, or cut short, by someone with access to the database.",
        err=True,
    )
    raise SystemExit(1)


@audit_cli.command("anchor")
def anchor_command() -> None:
    """Seal the newest entries, then record the chain's head (its last entry, that entry's hash,
    how many entries, the time) outside the database: a line appended to AUDIT_ANCHOR_FILE and
    an email to AUDIT_ANCHOR_EMAIL, whichever are set. The worker does this once a day."""
    made = audit_anchor.anchor()
    if made is None:
        click.echo("Set AUDIT_ANCHOR_FILE or AUDIT_ANCHOR_EMAIL to say where anchors go.", err=True)
        raise SystemExit(2)
    config = current_app.config
    kept = [
        f"appended to {config['AUDIT_ANCHOR_FILE']}" if config.get("AUDIT_ANCHOR_FILE") else "",
        f"emailed to {config['AUDIT_ANCHOR_EMAIL']}" if config.get("AUDIT_ANCHOR_EMAIL") else "",
    ]
    click.echo(
        f"Anchored entry {made.seq:,} of the audit trail ({' and '.join(k for k in kept if k)}):"
    )
    click.echo(made.line())


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
