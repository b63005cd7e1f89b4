"""The second factor's pages: the sign-in step after the password, setting up an authenticator
app (forced for council staff straight after their password, offered to schools and
professionals on their account page), and "Confirm it is you" before sensitive actions.

Sensitive actions ask for the code again through `portal.accounts.reauth.fresh_second_factor`.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from portal import access
from portal.accounts import passkeys, second_factor
from portal.accounts.forms import (
    AddPasskeyForm,
    PasskeyAnswerForm,
    SecondFactorCodeForm,
    SetUpAppForm,
    StartSetUpForm,
)
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


def _signing_in() -> UserSession | BaseResponse:
    """The preamble of every sign-in step: someone already signed in goes home; a browser with
    no live half-finished sign-in goes back to the password. Returns the session row, or the
    redirect to send."""
    if current_user.is_authenticated:
        return redirect(url_for("cases.home"))
    row = _half_signed_in()
    if row is None:
        return redirect(url_for("accounts.sign_in"), 303 if request.method == "POST" else 302)
    return row


PASSKEY_CEREMONY = passkeys.CEREMONY_KEY


def _options(options_json: str, state: dict) -> Response:
    session[PASSKEY_CEREMONY] = state
    return Response(
        options_json, mimetype="application/json", headers={"Cache-Control": "no-store"}
    )


def _after_sign_in() -> str:
    return _safe_next(session.get(AFTER_SECOND_FACTOR)) or url_for("cases.home")


# --- The sign-in step -----------------------------------------------------------------------------


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"])
@access.public
def sign_in_code():
    """After the password: the code from the app (or a recovery code)."""
    row = _signing_in()
    if not isinstance(row, UserSession):
        return row
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
        "accounts/second_factor/sign_in_code.html",
        form=form,
        cancel=StartSetUpForm(),
        has_app=second_factor.active_app(user) is not None,
        has_passkey=passkeys.has_passkey(user),
        passkey_field="credential",
    )


@bp.post("/sign-in/passkey-options")
@limiter.limit(CODE_LIMIT)
@access.public
def sign_in_passkey_options():
    """The challenge for signing in with a passkey (JSON, for portal.js)."""
    row = _signing_in()
    if not isinstance(row, UserSession):
        abort(400)
    return _options(*passkeys.begin_authentication(row.user))


@bp.post("/sign-in/passkey")
@limiter.limit(CODE_LIMIT)
@access.public
def sign_in_passkey():
    """The passkey's answer: the second step of signing in."""
    row = _signing_in()
    if not isinstance(row, UserSession):
        return row
    user = row.user
    form = PasskeyAnswerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        passkeys.check_assertion(
            user, form.credential.data, session.pop(PASSKEY_CEREMONY, None), request.remote_addr
        )
    except second_factor.CodeRefused as refused:
        flash(refused.reason, "error")
        return redirect(url_for("second_factor.sign_in_code"), 303)
    second_factor.mark_done(row)
    db.session.commit()
    destination = _after_sign_in()
    finish_sign_in(user, session.get(HALF_SIGNED_IN) or "")
    return redirect(destination, 303)


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
    row = _signing_in()
    if not isinstance(row, UserSession):
        return row
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


@bp.post("/sign-in/set-up-passkey-options")
@limiter.limit(CODE_LIMIT)
@access.public
def sign_in_add_passkey_options():
    """The challenge for adding a passkey as the first second factor (JSON, for portal.js)."""
    row = _signing_in()
    if not isinstance(row, UserSession) or second_factor.has_second_factor(row.user):
        abort(400)
    return _options(*passkeys.begin_registration(row.user))


@bp.post("/sign-in/set-up-passkey")
@limiter.limit(CODE_LIMIT)
@access.public
def sign_in_add_passkey():
    """Council staff without a second factor may add a passkey instead of an app; it signs
    them in."""
    row = _signing_in()
    if not isinstance(row, UserSession):
        return row
    user = row.user
    if second_factor.has_second_factor(user):
        return redirect(url_for("second_factor.sign_in_code"), 303)
    form = AddPasskeyForm()
    if not form.validate_on_submit():
        flash("Enter a name for the passkey, then add it", "error")
        return redirect(url_for("second_factor.sign_in_set_up"), 303)
    try:
        key = passkeys.finish_registration(
            user, form.credential.data, form.name.data, session.pop(PASSKEY_CEREMONY, None)
        )
    except second_factor.CodeRefused as refused:
        flash(refused.reason, "error")
        return redirect(url_for("second_factor.sign_in_set_up"), 303)
    second_factor.mark_done(row)
    db.session.commit()
    destination = _after_sign_in()
    finish_sign_in(user, session.get(HALF_SIGNED_IN) or "")
    flash(f"The passkey \u201c{key.name}\u201d was added.", "success")
    return redirect(destination, 303)


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
        has_app=second_factor.active_app(current_user) is not None,
        passkey_options=(
            url_for("second_factor.confirm_passkey_options")
            if passkeys.has_passkey(current_user)
            else None
        ),
        passkey_field="credential",
        passkey_action=url_for(
            "second_factor.confirm_passkey", next=_safe_next(request.args.get("next"))
        ),
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
    return _account_page()


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
            flash(
                "The authenticator app was removed. You sign in with your passkey as the "
                "second factor."
                if second_factor.has_passkey(current_user)
                else "The second factor was removed. You sign in with your password alone.",
                "success",
            )
            return redirect(url_for("second_factor.account"), 303)
    return _account_page(form=form)


# --- Passkeys -------------------------------------------------------------------------------------


def _account_page(form=None, add_form=None, status: int = 200):
    app = second_factor.active_app(current_user)
    return (
        render_template(
            "accounts/second_factor/account.html",
            app=app,
            left=second_factor.recovery_codes_left(current_user) if app else 0,
            required=second_factor.required(current_user),
            form=form or SecondFactorCodeForm(formdata=None),
            start=StartSetUpForm(),
            passkeys=passkeys.passkeys_of(current_user),
            add_form=add_form or AddPasskeyForm(formdata=None),
        ),
        status,
    )


@bp.post("/account/second-factor/passkey-options")
@limiter.limit(CODE_LIMIT)
@access.signed_in
def add_passkey_options():
    """The challenge for adding a passkey (JSON, for portal.js)."""
    _offered_or_404()
    return _options(*passkeys.begin_registration(current_user))


@bp.post("/account/second-factor/passkeys")
@limiter.limit(CODE_LIMIT)
@access.signed_in
@fresh_second_factor
def add_passkey():
    """Keep the passkey the browser just made (after a fresh second factor if one is set up)."""
    _offered_or_404()
    form = AddPasskeyForm()
    if form.validate_on_submit():
        try:
            key = passkeys.finish_registration(
                current_user,
                form.credential.data,
                form.name.data,
                session.pop(PASSKEY_CEREMONY, None),
            )
        except second_factor.CodeRefused as refused:
            form.name.errors = [refused.reason]
        else:
            row = second_factor.session_row(current_user.session_token)
            if row is not None and row.second_factor_at is None:
                second_factor.mark_done(row)
                db.session.commit()
            flash(f"The passkey \u201c{key.name}\u201d was added.", "success")
            return redirect(url_for("second_factor.account"), 303)
    return _account_page(add_form=form, status=400)


@bp.post("/account/second-factor/passkeys/<int:passkey_id>/remove")
@limiter.limit(CODE_LIMIT)
@access.signed_in
@fresh_second_factor
def remove_passkey(passkey_id: int):
    """Remove one of your passkeys (after a fresh second factor; staff keep at least one)."""
    _offered_or_404()
    if not StartSetUpForm().validate_on_submit():
        abort(400)
    try:
        passkeys.remove(current_user, passkey_id)
    except second_factor.CodeRefused as refused:
        flash(refused.reason, "error")
    else:
        flash("The passkey was removed.", "success")
    return redirect(url_for("second_factor.account"), 303)


@bp.post("/account/confirm-it-is-you/passkey-options")
@limiter.limit(CODE_LIMIT)
@access.signed_in
def confirm_passkey_options():
    """The challenge for confirming it is you with a passkey (JSON, for portal.js)."""
    if not passkeys.has_passkey(current_user):
        abort(404)
    return _options(*passkeys.begin_authentication(current_user))


@bp.post("/account/confirm-it-is-you/passkey")
@limiter.limit(CODE_LIMIT)
@access.signed_in
def confirm_passkey():
    """A passkey's answer as a fresh second factor, then back to the page that asked."""
    destination = _safe_next(request.args.get("next")) or url_for("cases.home")
    form = PasskeyAnswerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        passkeys.check_assertion(
            current_user,
            form.credential.data,
            session.pop(PASSKEY_CEREMONY, None),
            request.remote_addr,
        )
    except second_factor.CodeRefused as refused:
        flash(refused.reason, "error")
        return redirect(url_for("second_factor.confirm", next=request.args.get("next")), 303)
    row = second_factor.session_row(current_user.session_token)
    if row is not None:
        second_factor.mark_done(row)
        db.session.commit()
    return redirect(destination, 303)
