"""Asking for the second factor again before sensitive actions (granting case access, inviting
staff, exports, role changes): `fresh_second_factor`, the one decorator they all use."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user

from portal.accounts import passkeys, second_factor
from portal.accounts.forms import ConfirmItIsYouForm
from portal.extensions import db

#: The field a re-posted sensitive action carries its code in.
CODE_FIELD = "second_factor_code"
#: The field it carries a passkey's answer in instead (filled in by portal.js).
PASSKEY_FIELD = "second_factor_passkey"


def fresh_second_factor(view: Callable) -> Callable:
    """For sensitive actions: if the person has a second factor and last gave it longer ago than
    `SECOND_FACTOR_FRESH_FOR`, ask for a code first, then carry on.

    A GET goes to "Confirm it is you" and comes back to the same address. A POST is answered
    with the question, in a form that posts the same fields again with the code, so what the
    person asked for is done once the code is right. Put it under the access decorator, so
    people who may not do the action at all are refused first.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        user = current_user
        if not user.is_authenticated or not second_factor.has_second_factor(user):
            return view(*args, **kwargs)
        row = second_factor.session_row(user.session_token)
        if second_factor.is_fresh(row):
            return view(*args, **kwargs)
        if request.method != "POST":
            return redirect(url_for("second_factor.confirm", next=here()))
        form = ConfirmItIsYouForm(formdata=None, meta={"csrf": False})
        code = request.form.get(CODE_FIELD)
        answer = request.form.get(PASSKEY_FIELD)
        if code is not None or answer:
            try:
                if answer:
                    passkeys.check_assertion(
                        user, answer, session.pop(passkeys.CEREMONY_KEY, None), request.remote_addr
                    )
                else:
                    second_factor.check_code(user, code or "", request.remote_addr)
            except second_factor.CodeRefused as refused:
                form.second_factor_code.errors = [refused.reason]
            else:
                assert row is not None  # a signed-in person always has their session
                second_factor.mark_done(row)
                db.session.commit()
                return view(*args, **kwargs)
        return render_template(
            "accounts/second_factor/confirm.html",
            form=form,
            field_name=CODE_FIELD,
            action=here(),
            again=[
                (key, value)
                for key, value in request.form.items(multi=True)
                if key not in (CODE_FIELD, PASSKEY_FIELD)
            ],
            has_app=second_factor.active_app(user) is not None,
            passkey_options=(
                url_for("second_factor.confirm_passkey_options")
                if passkeys.has_passkey(user)
                else None
            ),
            passkey_action=here(),
            passkey_field=PASSKEY_FIELD,
        )

    return wrapper


def here() -> str:
    query = request.query_string.decode()
    return request.path + (f"?{query}" if query else "")
