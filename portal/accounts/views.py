"""Signing in and out, one-time links, and inviting people."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from portal import access
from portal.accounts import second_factor, services
from portal.accounts.forms import (
    ApproveInvitationForm,
    ChoosePasswordForm,
    ForgotPasswordForm,
    InviteForm,
    SignInForm,
)
from portal.accounts.models import (
    AccountToken,
    Organisation,
    OrganisationKind,
    Role,
    TokenPurpose,
    User,
)
from portal.accounts.reauth import fresh_second_factor
from portal.extensions import db, limiter
from portal.mail import portal_link, send_email

bp = Blueprint("accounts", __name__)

ROLES_A_CASE_OFFICER_MAY_INVITE = [Role.PARENT, Role.YOUNG_PERSON, Role.SCHOOL, Role.PROFESSIONAL]


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never send someone to another site after signing in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


#: The session key holding a session that waits for its second factor (never Flask-Login's).
HALF_SIGNED_IN = "second_factor_pending"
#: Where to go once the second factor is given.
AFTER_SECOND_FACTOR = "second_factor_next"


def _begin(user, token: str, next_path: str | None = None) -> bool:
    """Start the signed-in session after the password, or, for anyone who must give a second
    factor (or set one up), hold it half signed in. Returns True when fully signed in."""
    # A fresh cookie on sign-in, so a session id planted before sign-in is worth nothing.
    session.clear()
    if second_factor.needs_second_step(user):
        row = second_factor.session_row(token)
        if row is not None:
            row.second_factor_required = True
            db.session.commit()
        session[HALF_SIGNED_IN] = token
        if next_path:
            session[AFTER_SECOND_FACTOR] = next_path
        return False
    finish_sign_in(user, token)
    return True


def finish_sign_in(user, token: str) -> None:
    """The session counts as signed in from now (Flask-Login sees it)."""
    session.pop(HALF_SIGNED_IN, None)
    session.pop(AFTER_SECOND_FACTOR, None)
    user.session_token = token
    login_user(user)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
@access.public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("cases.home"))
    if request.method == "GET" and second_factor.half_signed_in(session.get(HALF_SIGNED_IN)):
        # Password given, second factor not yet: nothing else until it is.
        return redirect(url_for("second_factor.sign_in_code"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user, token = services.sign_in(form.email.data, form.password.data, request.remote_addr)
        except services.SignInRefused as refused:
            form.form_errors.append(refused.reason)
        else:
            next_path = _safe_next(request.args.get("next"))
            if not _begin(user, token, next_path):
                return redirect(url_for("second_factor.sign_in_code"), 303)
            return redirect(next_path or url_for("cases.home"), 303)
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/sign-out")
@access.signed_in
def sign_out():
    services.sign_out(current_user)
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("accounts.sign_in"), 303)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@access.public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        started = services.start_password_reset(form.email.data)
        if started:
            user, secret = started
            link = portal_link("accounts.reset_password", token=secret)
            send_email(
                user.email,
                f"Reset your password for the {current_app.config['SERVICE_NAME']}",
                f"Hello {user.name},\n\nUse this link to choose a new password. "
                f"It works once, for 2 hours:\n\n{link}\n\n"
                "If you did not ask for this, you can ignore this email.",
            )
        # The same answer whether or not the account exists.
        return render_template("accounts/check_email.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


def _set_password_page(token: str, purpose: TokenPurpose, template: str):
    try:
        link = services.check_link(token, purpose)
    except services.LinkProblem as problem:
        return render_template("accounts/link_problem.html", message=problem.reason), 410
    form = ChoosePasswordForm(email=link.user.email)
    if form.validate_on_submit():
        try:
            user, session_token = services.use_link_to_set_password(
                token, purpose, form.password.data
            )
        except services.LinkProblem as problem:
            return render_template("accounts/link_problem.html", message=problem.reason), 410
        if not _begin(user, session_token):
            flash("Your password is set.", "success")
            return redirect(url_for("second_factor.sign_in_code"), 303)
        flash("Your password is set. You are now signed in.", "success")
        return redirect(url_for("cases.home"), 303)
    return render_template(template, form=form, user=link.user)


@bp.route("/reset-password/<token:token>", methods=["GET", "POST"])
@access.public
def reset_password(token: str):
    return _set_password_page(token, TokenPurpose.PASSWORD_RESET, "accounts/reset_password.html")


@bp.route("/accept-invitation/<token:token>", methods=["GET", "POST"])
@access.public
def accept_invitation(token: str):
    return _set_password_page(token, TokenPurpose.INVITATION, "accounts/accept_invitation.html")


@bp.route("/invite", methods=["GET", "POST"])
@access.role_required(Role.CASE_OFFICER, Role.ADMIN)
@fresh_second_factor
def invite():
    roles = list(Role) if current_user.role == Role.ADMIN else ROLES_A_CASE_OFFICER_MAY_INVITE
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.kind != OrganisationKind.COUNCIL)
        .order_by(Organisation.name)
        if current_user.role != Role.ADMIN
        else select(Organisation).order_by(Organisation.name)
    ).all()
    form = InviteForm(roles=roles, organisations=organisations)
    if form.validate_on_submit():
        organisation = next((o for o in organisations if o.id == form.organisation.data), None)
        invitation = services.invite(
            current_user,
            email=form.email.data,
            name=form.name.data,
            role=Role(form.role.data),
            organisation=organisation,
        )
        db.session.commit()
        if invitation.new_account:
            link = portal_link("accounts.accept_invitation", token=invitation.link_secret)
            waiting = (
                "\n\nBecause this account can see children's cases, a second administrator "
                "must approve it first. We will email you when they have; the link works "
                "from then on."
                if invitation.needs_approval
                else ""
            )
            send_email(
                invitation.user.email,
                f"You are invited to the {current_app.config['SERVICE_NAME']}",
                f"Hello {invitation.user.name},\n\n{current_user.name} has invited you to the "
                f"{current_app.config['SERVICE_NAME']} run by {current_app.config['COUNCIL_NAME']}."
                "\n\nUse this link to choose your password. It works once, for 7 days:"
                f"\n\n{link}{waiting}\n",
            )
            if invitation.needs_approval:
                _ask_other_admins_to_approve(invitation.user)
                flash(
                    f"We have sent an invitation to {invitation.user.email}. It works once "
                    "another administrator has approved it: we have asked them.",
                    "success",
                )
            else:
                flash(f"We have sent an invitation to {invitation.user.email}", "success")
        else:
            flash(
                f"{invitation.user.email} already has an account. No new invitation was sent.",
                "info",
            )
        return redirect(url_for("accounts.invite"), 303)
    return render_template("accounts/invite.html", form=form)


def _ask_other_admins_to_approve(invited: User) -> None:
    """Tell every other active administrator that an invitation waits for their approval."""
    admins = db.session.scalars(
        select(User).where(
            User.role == Role.ADMIN, User.active.is_(True), User.id != current_user.id
        )
    ).all()
    link = portal_link("accounts.people")
    for admin in admins:
        send_email(
            admin.email,
            f"Approve an invitation to the {current_app.config['SERVICE_NAME']}",
            f"Hello {admin.name},\n\n{current_user.name} has invited {invited.name} "
            f"({invited.email}) as {Role(invited.role).label.lower()}. This role can see "
            "children's cases or manage accounts, so a second administrator must approve it."
            f"\n\nIf you expected this, approve it here:\n\n{link}\n\n"
            "If you did not, do not approve it, and speak to your data protection officer.\n",
        )


@bp.get("/people")
@access.role_required(Role.ADMIN)
def people():
    """The admin's home: every account, with role, organisation and last sign-in, and the
    invitations waiting for a second administrator's approval."""
    users = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template(
        "accounts/people.html",
        users=users,
        pending=services.pending_approvals(),
        form=ApproveInvitationForm(),
    )


@bp.post("/invitations/<int:token_id>/approve")
@access.role_required(Role.ADMIN)
@fresh_second_factor
def approve_invitation(token_id: int):
    """A second administrator approves an invitation to a role that can reach cases."""
    token = db.session.get(AccountToken, token_id)
    if token is None or token.purpose != TokenPurpose.INVITATION:
        abort(404)
    form = ApproveInvitationForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.approve_invitation(current_user, token)
    except services.ApprovalRefused as refused:
        flash(refused.reason, "info")
        return redirect(url_for("accounts.people"), 303)
    send_email(
        token.user.email,
        f"Your invitation to the {current_app.config['SERVICE_NAME']} is approved",
        f"Hello {token.user.name},\n\nA second administrator has approved your invitation. "
        "The link in the invitation email now works (for 7 days from when it was sent).\n",
    )
    flash(f"You approved the invitation to {token.user.email}", "success")
    return redirect(url_for("accounts.people"), 303)
