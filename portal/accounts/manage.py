"""Accounts you can manage: your own password, and an administrator's controls over other people's
accounts (switch off and on, end sessions, change role).

A role that can reach children's cases or manage accounts (council officer, administrator) is
never given by one person: the change waits as a `RoleChangeRequest` until a second
administrator approves it, and every administrator is told by email when it is asked for.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import current_app
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import audit
from portal.accounts import second_factor
from portal.accounts.models import Role, User, UserSession
from portal.accounts.passwords import hash_password, password_problem, verify_password
from portal.accounts.services import ROLES_NEEDING_APPROVAL, end_all_sessions
from portal.clock import utcnow
from portal.extensions import db
from portal.mail import portal_link, send_email
from portal.refusals import Refused


class RoleChangeRequest(db.Model):
    """An administrator asked for a person to be given a role that needs a second approval."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    new_role: Mapped[Role] = mapped_column(String(40))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    approved: Mapped[bool | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id], lazy="joined")


class AccountRefused(Refused):
    """An account change that cannot be made, with the reason to show."""


# --- Your own password -------------------------------------------------------------------------


def change_own_password(user: User, current: str, new: str, keep_token: str | None) -> None:
    """Change the signed-in person's password. The current password is required (a borrowed,
    signed-in browser is not enough); every other session of theirs ends, this one stays.
    Records `password.changed` and emails the account holder."""
    if not verify_password(user.password_hash, current):
        raise AccountRefused("Your current password is not right")
    problem = password_problem(new, email=user.email)
    if problem:
        raise AccountRefused(problem)
    user.password_hash = hash_password(new)
    keep = hashlib.sha256(keep_token.encode()).hexdigest() if keep_token else None
    now = utcnow()
    for row in db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    ):
        if row.token_hash != keep:
            row.ended_at = now
    audit.record("password.changed", actor=user, subject=user)
    db.session.commit()
    _tell(
        user,
        "Your password was changed",
        "The password for your account was changed just now, and you were signed out everywhere "
        "else.",
    )


def _tell(user: User, subject: str, what: str) -> None:
    """Email the account holder about their own account (no personal data beyond their name)."""
    service = current_app.config["SERVICE_NAME"]
    send_email(
        user.email,
        f"{subject} ({service})",
        f"Hello {user.name},\n\n{what}\n\nIf this was not you, contact "
        f"{current_app.config['COUNCIL_CONTACT_EMAIL']} straight away.\n",
    )


# --- An administrator's controls ---------------------------------------------------------------


def _require_admin(actor: User) -> None:
    if actor.role != Role.ADMIN or not actor.active:
        raise PermissionError("Only an administrator may manage accounts.")


def switch_off(actor: User, user: User) -> None:
    """Switch an account off: it cannot sign in, and its sessions end now. Administrators only;
    not their own account (so the last administrator cannot lock everyone out by mistake)."""
    _require_admin(actor)
    if user.id == actor.id:
        raise AccountRefused("You cannot switch off your own account")
    user.active = False
    end_all_sessions(user)
    audit.record("account.switched_off", actor=actor, subject=user, summary=user.email)
    db.session.commit()


def switch_on(actor: User, user: User) -> None:
    """Switch an account back on (they sign in with their password as before)."""
    _require_admin(actor)
    user.active = True
    audit.record("account.switched_on", actor=actor, subject=user, summary=user.email)
    db.session.commit()


def end_sessions(actor: User, user: User) -> None:
    """Sign a person out everywhere (a lost laptop, a shared computer)."""
    _require_admin(actor)
    end_all_sessions(user)
    audit.record("account.sessions_ended", actor=actor, subject=user, summary=user.email)
    db.session.commit()


def reset_second_factor(actor: User, user: User) -> None:
    """Remove a person's second factor (a lost phone) and sign them out everywhere. Never your
    own: another administrator must do it, so a stolen administrator session cannot."""
    _require_admin(actor)
    if actor.id == user.id:
        raise AccountRefused("Another administrator must reset your own second factor")
    if not second_factor.has_second_factor(user):
        raise AccountRefused(f"{user.name} has no second factor to reset")
    second_factor.reset_by_administrator(actor, user)


def change_role(actor: User, user: User, new_role: Role) -> RoleChangeRequest | None:
    """Change a person's role. To a role that can reach cases or manage accounts, the change waits
    for a second administrator (returns the request, and every administrator is emailed);
    other roles change at once (returns None). Their sessions end either way once it applies."""
    _require_admin(actor)
    if new_role == user.role:
        raise AccountRefused(f"{user.name} is already {new_role.label.lower()}")
    if new_role in ROLES_NEEDING_APPROVAL:
        waiting = db.session.scalar(
            select(RoleChangeRequest).where(
                RoleChangeRequest.user_id == user.id, RoleChangeRequest.decided_at.is_(None)
            )
        )
        if waiting is not None:
            raise AccountRefused(f"A change of role for {user.name} is already waiting")
        request = RoleChangeRequest(user=user, new_role=new_role, requested_by=actor)
        db.session.add(request)
        audit.record(
            "account.role_change_requested",
            actor=actor,
            subject=user,
            summary=user.email,
            new_role=new_role.value,
        )
        db.session.commit()
        _tell_admins(actor, user, new_role)
        return request
    _apply_role(actor, user, new_role)
    db.session.commit()
    return None


def _apply_role(actor: User, user: User, new_role: Role) -> None:
    old = user.role
    user.role = new_role
    end_all_sessions(user)  # what they may see changed: they sign in again
    audit.record(
        "account.role_changed",
        actor=actor,
        subject=user,
        summary=user.email,
        old_role=str(old),
        new_role=new_role.value,
    )


def _tell_admins(actor: User, user: User, new_role: Role) -> None:
    """Every active administrator learns that someone asked for a powerful role to be given."""
    service = current_app.config["SERVICE_NAME"]
    link = portal_link("manage_accounts.account", user_id=user.id)
    for admin in db.session.scalars(
        select(User).where(User.role == Role.ADMIN, User.active.is_(True))
    ):
        send_email(
            admin.email,
            f"A change of role waits for approval ({service})",
            f"Hello {admin.name},\n\n{actor.name} asked for an account to be made "
            f"{new_role.label.lower()}. This role can see children's cases or manage accounts, "
            "so a second administrator must approve it.\n\n"
            f"See the request here:\n\n{link}\n\n"
            "If you did not expect this, do not approve it, and speak to your data protection "
            "officer.\n",
        )


def waiting_request(user: User) -> RoleChangeRequest | None:
    return db.session.scalar(
        select(RoleChangeRequest).where(
            RoleChangeRequest.user_id == user.id, RoleChangeRequest.decided_at.is_(None)
        )
    )


def decide_role_change(actor: User, request: RoleChangeRequest, *, approve: bool) -> None:
    """A second administrator approves (the role changes) or turns down a waiting change. The
    administrator who asked for it cannot approve it, nor can the person it is for."""
    _require_admin(actor)
    if request.decided_at is not None:
        raise AccountRefused("This change of role has already been decided")
    if approve and actor.id in (request.requested_by_id, request.user_id):
        raise AccountRefused("Another administrator must approve this change of role")
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    request.approved = approve
    if approve:
        _apply_role(actor, request.user, Role(request.new_role))
    else:
        audit.record(
            "account.role_change_turned_down",
            actor=actor,
            subject=request.user,
            summary=request.user.email,
        )
    db.session.commit()
