"""Accounts you can manage: "Change your password" for everyone signed in, and an administrator's
page for each account (switch off or on, end sessions, change role, approve a change of role)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access
from portal.accounts import manage, second_factor
from portal.accounts.manage_forms import ChangePasswordForm, ChangeRoleForm, ConfirmForm
from portal.accounts.models import Role, User
from portal.accounts.reauth import fresh_second_factor
from portal.extensions import db
from portal.refusals import show_on_form

bp = Blueprint("manage_accounts", __name__)


@bp.route("/account/password", methods=["GET", "POST"])
@access.signed_in
def change_password():
    """Change your own password (your current one is asked for); you stay signed in here and are
    signed out everywhere else."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            manage.change_own_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                keep_token=current_user.session_token,
            )
        except manage.AccountRefused as refused:
            field = "current_password" if "current" in refused.reason else "new_password"
            getattr(form, field).errors = [refused.reason]
        else:
            flash("Your password was changed. You were signed out everywhere else.", "success")
            return redirect(url_for("cases.home"), 303)
    return render_template("accounts/change_password.html", form=form)


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/people/<int:user_id>")
@access.role_required(Role.ADMIN)
def account(user_id: int):
    """One account, for an administrator: its state, and the controls."""
    user = _user(user_id)
    form = ChangeRoleForm(formdata=None, role=user.role)
    return render_template(
        "accounts/account.html",
        user=user,
        form=form,
        confirm=ConfirmForm(),
        waiting=manage.waiting_request(user),
        has_second_factor=second_factor.has_second_factor(user),
    )


def _act(user_id: int, action, done: str):
    user = _user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(current_user, user)
    except manage.AccountRefused as refused:
        flash(refused.reason, "info")
    else:
        flash(done.format(name=user.name), "success")
    return redirect(url_for("manage_accounts.account", user_id=user.id), 303)


@bp.route("/people/<int:user_id>/switch-off", methods=["GET", "POST"])
@access.role_required(Role.ADMIN)
def switch_off(user_id: int):
    """Switch the account off: no sign-in, and every session ends now. GET asks to confirm."""
    if request.method == "GET":
        user = _user(user_id)
        return render_template("accounts/confirm_switch_off.html", user=user, form=ConfirmForm())
    return _act(user_id, manage.switch_off, "{name}'s account is switched off")


@bp.post("/people/<int:user_id>/switch-on")
@access.role_required(Role.ADMIN)
def switch_on(user_id: int):
    """Switch the account back on."""
    return _act(user_id, manage.switch_on, "{name}'s account is switched on")


@bp.post("/people/<int:user_id>/end-sessions")
@access.role_required(Role.ADMIN)
def end_sessions(user_id: int):
    """Sign the person out everywhere."""
    return _act(user_id, manage.end_sessions, "{name} is signed out everywhere")


@bp.post("/people/<int:user_id>/reset-second-factor")
@access.role_required(Role.ADMIN)
@fresh_second_factor
def reset_second_factor(user_id: int):
    """Remove the person's authenticator app (a lost phone); they are signed out everywhere."""
    return _act(
        user_id,
        manage.reset_second_factor,
        "{name}'s second factor is reset and they are signed out",
    )


@bp.post("/people/<int:user_id>/role")
@access.role_required(Role.ADMIN)
@fresh_second_factor
def change_role(user_id: int):
    """Change the person's role; to council officer or administrator it waits for a second
    administrator."""
    user = _user(user_id)
    form = ChangeRoleForm()
    if form.validate_on_submit():
        try:
            waiting = manage.change_role(current_user, user, Role(form.role.data))
        except manage.AccountRefused as refused:
            show_on_form(form, refused)
        else:
            if waiting is not None:
                flash(
                    "The change of role waits for another administrator to approve it. "
                    "Every administrator has been emailed.",
                    "info",
                )
            else:
                flash(f"{user.name} is now {Role(user.role).label.lower()}", "success")
            return redirect(url_for("manage_accounts.account", user_id=user.id), 303)
    return render_template(
        "accounts/account.html",
        user=user,
        form=form,
        confirm=ConfirmForm(),
        waiting=manage.waiting_request(user),
        has_second_factor=second_factor.has_second_factor(user),
    )


def _decide(request_id: int, *, approve: bool):
    request = db.session.get(manage.RoleChangeRequest, request_id)
    if request is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        manage.decide_role_change(current_user, request, approve=approve)
    except manage.AccountRefused as refused:
        flash(refused.reason, "info")
    else:
        flash("The change of role was " + ("approved" if approve else "turned down"), "success")
    return redirect(url_for("manage_accounts.account", user_id=request.user_id), 303)


@bp.post("/role-requests/<int:request_id>/approve")
@access.role_required(Role.ADMIN)
@fresh_second_factor
def approve_role_change(request_id: int):
    """A second administrator approves a waiting change of role (never the one who asked)."""
    return _decide(request_id, approve=True)


@bp.post("/role-requests/<int:request_id>/turn-down")
@access.role_required(Role.ADMIN)
def turn_down_role_change(request_id: int):
    """Any administrator turns down a waiting change of role."""
    return _decide(request_id, approve=False)
