"""`flask notifications worker | remind | summaries`: the background jobs, from the command line."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from portal import audit
from portal.notifications import reminders, worker

notifications_cli = AppGroup("notifications", help="Send notice emails, reminders and summaries.")


@notifications_cli.command("worker")
@click.option("--once", is_flag=True, help="Send what is ready now, then stop.")
@click.option("--poll", default=2.0, show_default=True, help="Seconds to wait when idle.")
def worker_command(once: bool, poll: float) -> None:
    """Send notice emails as they become ready; give reminders and daily summaries; seal the
    newest audit entries into the hash chain."""
    if once:
        result = worker.send_all()
        sealed = audit.seal_unchained()
        click.echo(
            f"Sent {result.sent}, skipped {result.skipped}, failed {result.failed}, "
            f"to try again {result.retrying}. Audit entries sealed: {sealed}."
        )
        return
    click.echo("Notifications worker started (Ctrl-C to stop).")
    try:
        worker.run(poll_seconds=poll, periodic=reminders.daily_jobs)
    except KeyboardInterrupt:
        click.echo("Notifications worker stopped.")


@notifications_cli.command("remind")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Pretend it is this day.")
def remind_command(today) -> None:
    """Give today's reminders (safe to run more than once: nobody is reminded twice)."""
    day: date | None = today.date() if today else None
    considered = reminders.remind(day)
    click.echo(f"Reminders checked: {considered}.")


@notifications_cli.command("summaries")
def summaries_command() -> None:
    """Gather yesterday's "daily summary" notices into one email per person."""
    click.echo(f"Notices put in summaries: {reminders.gather_summaries()}.")
