"""The second factor's pages: the sign-in step after the password, setting up an authenticator
app (forced for council staff straight after their password, offered to schools and
professionals on their account page), and "Confirm it is you" before sensitive actions.

Sensitive actions ask for the code again through `portal.accounts.reauth.fresh_second_factor`.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from portal import access
from portal.accounts import second_factor
from portal.accounts.forms import SecondFactorCodeForm, SetUpAppForm, StartSetUpForm
from portal.accounts.models import User, UserSession
from portal.accounts.reauth import fresh_second_factor
from portal.accounts.views import AFTER_SECOND_FACTOR, HALF_SIGNED_IN, _safe_next, finish_sign_in
from portal.clock import utcnow
from portal.extensions import db, limiter

bp = Blueprint("second_factor", __name__)

CODE_LIMIT = "30 per minute"


def _half_signed_in() -> UserSession | None:
    row = second_factor.half_signed_in(session.get(HALF_SIGNED_IN))
    if row is None:
        session.pop(HALF_SIGNED_IN, None)
        session.pop(AFTER_SECOND_FACTOR, None)
    return row


def _after_sign_in() -> str:
    return _safe_next(session.get(AFTER_SECOND_FACTOR)) or url_for("cases.home")


# --- The sign-in step -----------------------------------------------------------------------------


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"])
@access.public
def sign_in_code():
    """After the password: the code from the app (or a recovery code)."""
    if current_user.is_authenticated:
        return redirect(url_for("cases.home"))
    row = _half_signed_in()
    if row is None:
        return redirect(url_for("accounts.sign_in"), 303 if request.method == "POST" else 302)
    user = row.user
    if not second_factor.has_second_factor(user):
        return redirect(url_for("second_factor.sign_in_set_up"))
    form = SecondFactorCodeForm()
    if form.validate_on_submit():
        try:
            kind = second_factor.check_code(user, form.code.data, request.remote_addr)
        except second_factor.CodeRefused as refused:
            form.code.errors = [refused.reason]
        else:
            second_factor.mark_done(row)
            db.session.commit()
            destination = _after_sign_in()
            finish_sign_in(user, session.get(HALF_SIGNED_IN) or "")
            if kind == "recovery":
                flash(
                    "You used a recovery code. Each works once: if you have lost your app, "
                    "set up a new one now.",
                    "info",
                )
                return redirect(url_for("second_factor.account"), 303)
            return redirect(destination, 303)
    return render_template(
        "accounts/second_factor/sign_in_code.html", form=form, cancel=StartSetUpForm()
    )


@bp.post("/sign-in/start-again")
@access.public
def sign_in_start_again():
    """Leave the half-finished sign-in (its session ends) and go back to the password."""
    if not StartSetUpForm().validate_on_submit():
        abort(400)
    row = _half_signed_in()
    if row is not None:
        row.ended_at = utcnow()
        db.session.commit()
    session.clear()
    return redirect(url_for("accounts.sign_in"), 303)


@bp.route("/sign-in/set-up-app", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"])
@access.public
def sign_in_set_up():
    """Council staff without a second factor set one up before they can do anything else."""
    if current_user.is_authenticated:
        return redirect(url_for("cases.home"))
    row = _half_signed_in()
    if row is None:
        return redirect(url_for("accounts.sign_in"), 303 if request.method == "POST" else 302)
    user = row.user
    if second_factor.has_second_factor(user):
        return redirect(url_for("second_factor.sign_in_code"))
    result = _set_up(user, row, url_for("second_factor.sign_in_set_up"))
    if isinstance(result, second_factor.Confirmed):
        destination = _after_sign_in()
        finish_sign_in(user, session.get(HALF_SIGNED_IN) or "")
        return render_template(
            "accounts/second_factor/recovery_codes.html",
            codes=result.recovery_codes,
            next_url=destination,
        )
    return result


def _set_up(user: User, row: UserSession | None, here: str):
    """The set-up page (shared by the sign-in step and the account page). A POST without a code
    makes a new secret; a POST with one confirms it. Returns a response, or `Confirmed`."""
    start = StartSetUpForm()
    form = SetUpAppForm()
    if request.method == "POST" and "code" not in request.form:
        if not start.validate_on_submit():
            abort(400)
        second_factor.start_setup(user)
        return redirect(here, 303)
    pending = second_factor.pending_app(user)
    if pending is not None and form.validate_on_submit():
        try:
            return second_factor.confirm_setup(user, form.code.data, request.remote_addr, row)
        except second_factor.CodeRefused as refused:
            form.code.errors = [refused.reason]
    return render_template(
        "accounts/second_factor/set_up.html",
        form=form,
        start=start,
        here=here,
        pending=pending,
        qr_code=second_factor.qr_code_svg(user, pending) if pending else None,
        secret=second_factor.grouped_secret(pending.secret) if pending else None,
        required=second_factor.required(user),
        signing_in=row is not None and not current_user.is_authenticated,
        replacing=second_factor.has_second_factor(user),
    )


@bp.route("/account/confirm-it-is-you", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"])
@access.signed_in
def confirm():
    """Give the second factor again, then go back to the page that asked for it."""
    destination = _safe_next(request.args.get("next")) or url_for("cases.home")
    if not second_factor.has_second_factor(current_user):
        return redirect(destination)
    form = SecondFactorCodeForm()
    if form.validate_on_submit():
        try:
            second_factor.check_code(current_user, form.code.data, request.remote_addr)
        except second_factor.CodeRefused as refused:
            form.code.errors = [refused.reason]
        else:
            row = second_factor.session_row(current_user.session_token)
            if row is not None:
                second_factor.mark_done(row)
                db.session.commit()
            return redirect(destination, 303)
    return render_template(
        "accounts/second_factor/confirm.html",
        form=form,
        field_name=None,
        action=url_for("second_factor.confirm", next=_safe_next(request.args.get("next"))),
        again=[],
    )


# --- The account page -----------------------------------------------------------------------------


def _offered_or_404() -> None:
    if not second_factor.offered(current_user):
        abort(404)


@bp.get("/account/second-factor")
@access.signed_in
def account():
    """Your second factor: whether you have one, recovery codes left, set up a new app, remove."""
    _offered_or_404()
    app = second_factor.active_app(current_user)
    return render_template(
        "accounts/second_factor/account.html",
        app=app,
        left=second_factor.recovery_codes_left(current_user) if app else 0,
        required=second_factor.required(current_user),
        form=SecondFactorCodeForm(formdata=None),
        start=StartSetUpForm(),
    )


@bp.route("/account/second-factor/set-up", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"])
@access.signed_in
@fresh_second_factor
def set_up():
    """Set up an authenticator app (or a new one, replacing the old, after a fresh code)."""
    _offered_or_404()
    row = second_factor.session_row(current_user.session_token)
    result = _set_up(current_user, row, url_for("second_factor.set_up"))
    if isinstance(result, second_factor.Confirmed):
        return render_template(
            "accounts/second_factor/recovery_codes.html",
            codes=result.recovery_codes,
            next_url=url_for("second_factor.account"),
        )
    return result


@bp.post("/account/second-factor/remove")
@limiter.limit(CODE_LIMIT)
@access.signed_in
def remove():
    """Remove the second factor (schools and professionals only); a current code is asked."""
    _offered_or_404()
    form = SecondFactorCodeForm()
    app = second_factor.active_app(current_user)
    if app is None:
        return redirect(url_for("second_factor.account"), 303)
    if form.validate_on_submit():
        try:
            second_factor.remove(current_user, form.code.data, request.remote_addr)
        except second_factor.CodeRefused as refused:
            form.code.errors = [refused.reason]
        else:
            flash("The second factor was removed. You sign in with your password alone.", "success")
            return redirect(url_for("second_factor.account"), 303)
    return render_template(
        "accounts/second_factor/account.html",
        app=app,
        left=second_factor.recovery_codes_left(current_user),
        required=second_factor.required(current_user),
        form=form,
        start=StartSetUpForm(),
    )
