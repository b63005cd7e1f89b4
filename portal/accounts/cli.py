"""`flask create-admin`: the first administrator, from the command line of a trusted machine.

Once there is an active administrator this refuses: further administrators are invited in the
portal, where a second administrator must approve them.

`flask accounts code EMAIL`: the demo only: the code a demo account's authenticator app would
show now (demo staff share a documented secret). It shows nothing for any other secret, and
never in production.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from portal import audit
from portal.accounts import second_factor
from portal.accounts.models import Organisation, OrganisationKind, Role, TokenPurpose, User
from portal.accounts.services import _issue_token, find_user_by_email, normalise_email
from portal.extensions import db
from portal.mail import portal_link


@click.command("create-admin")
@click.option("--email", prompt="Email address", help="The administrator's email address.")
@click.option("--name", prompt="Full name", help="The administrator's name.")
@click.option(
    "--organisation",
    default=None,
    help="The council's name (default: the council already on the portal, or 'Council').",
)
@with_appcontext
def create_admin_command(email: str, name: str, organisation: str | None) -> None:
    """Make the first administrator and print their one-time link to choose a password."""
    active_admin = db.session.scalar(
        select(User.id).where(User.role == Role.ADMIN, User.active.is_(True)).limit(1)
    )
    if active_admin is not None:
        raise click.ClickException(
            "There is already an administrator. Invite further administrators in the portal "
            "(a second administrator must approve them)."
        )
    email = normalise_email(email)
    if "@" not in email or len(email) > 320:
        raise click.ClickException("Enter an email address like name@example.org")
    if find_user_by_email(email) is not None:
        raise click.ClickException("That email address already has an account.")
    council = db.session.scalar(
        select(Organisation).where(Organisation.kind == OrganisationKind.COUNCIL).limit(1)
    )
    if council is None or (organisation and council.name != organisation):
        council = Organisation(name=organisation or "Council", kind=OrganisationKind.COUNCIL)
        db.session.add(council)
    user = User(email=email, name=name.strip(), role=Role.ADMIN, organisation=council)
    db.session.add(user)
    db.session.flush()
    secret = _issue_token(user, TokenPurpose.INVITATION, None)
    audit.record("account.first_admin_created", subject=user, summary=email)
    db.session.commit()
    click.echo(f"Made {name} an administrator. Send them this link (it works for 7 days):")
    click.echo(portal_link("accounts.accept_invitation", token=secret))


@click.group("accounts")
def accounts_cli() -> None:
    """Accounts on the command line."""


@accounts_cli.command("code")
@click.argument("email")
@with_appcontext
def code_command(email: str) -> None:
    """The current second-factor code of a demo account (demo data only, never production)."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("There are no demo accounts in production.")
    user = find_user_by_email(email)
    app = second_factor.active_app(user) if user is not None else None
    if app is None or app.secret != second_factor.DEMO_SECRET:
        raise click.ClickException(
            "Only demo accounts set up with the demo key have a code to show here."
        )
    click.echo(second_factor.current_code(app.secret))
