"""What's new (a person's notices), marking them read, and email preferences."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access
from portal.notifications import services
from portal.notifications.forms import MarkReadForm, preferences_form
from portal.notifications.kinds import KINDS, Link

bp = Blueprint("notifications", __name__)

_LINKS = {Link.CASE: "cases.case_page", Link.DOCUMENTS: "documents.case_documents"}


def notice_link(notice) -> str:
    return url_for(_LINKS[KINDS[notice.kind_enum].link], case_id=notice.case.public_id)


@bp.route("/whats-new")
@access.signed_in
def whats_new():
    """The person's notices, newest first, a page at a time; new ones marked as new."""
    page = request.args.get("page", 1, type=int) or 1
    notices = services.whats_new(current_user, page)
    return render_template(
        "notifications/whats_new.html",
        notices=notices,
        form=MarkReadForm(),
        notice_link=notice_link,
        KINDS=KINDS,
    )


@bp.route("/whats-new/mark-read", methods=["POST"])
@access.signed_in
def mark_read():
    """Mark every notice read (a POST: opening a page never changes anything)."""
    form = MarkReadForm()
    if form.validate_on_submit():
        services.mark_all_read(current_user)
        flash("Everything is marked as read", "success")
    return redirect(url_for("notifications.whats_new"), 303)


@bp.route("/email-preferences", methods=["GET", "POST"])
@access.signed_in
def preferences():
    """Choose, for each kind of notice, straight away, a daily summary or no email. Statutory
    letters and the draft plan always reach families straight away."""
    current = services.preferences(current_user)
    locked = services.locked_kinds(current_user)
    form = preferences_form([k for k in current if k not in locked], current)
    if form.validate_on_submit():
        services.set_preferences(current_user, form.choices())
        flash("Your email choices are saved", "success")
        return redirect(url_for("notifications.preferences"), 303)
    return render_template(
        "notifications/preferences.html",
        form=form,
        locked=[k for k in current if k in locked],
        KINDS=KINDS,
    )


def init_app(app: Flask) -> None:
    """The header's unread count, for every page a signed-in person sees."""

    @app.context_processor
    def unread() -> dict:
        def unread_notices() -> int:
            if not current_user.is_authenticated:
                return 0
            return services.unread_count(current_user)

        return {"unread_notices": unread_notices, "UNREAD_CAP": services.UNREAD_CAP}
