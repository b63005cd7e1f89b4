"""What's new (a person's notices), marking them read, and email preferences."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access
from portal.cases.models import Case
from portal.notifications import messages, services
from portal.notifications.forms import MarkReadForm, MessageForm, preferences_form
from portal.notifications.kinds import KINDS, LINK_ENDPOINTS
from portal.notifications.models import MessageThread
from portal.refusals import Refused, show_on_form

bp = Blueprint("notifications", __name__)


def notice_link(notice) -> str:
    return url_for(LINK_ENDPOINTS[KINDS[notice.kind_enum].link], case_id=notice.case.public_id)


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


@bp.route("/cases/<public_id:case_id>/messages", methods=["GET", "POST"])
@access.load(Case, "case_id", access.Action.VIEW)
def case_messages():
    """For a person on the case: their messages with the council, and a box to write. For the
    council: every thread on the case, the most recent first."""
    case = g.case
    if messages.is_council_side(current_user, case):
        if request.method == "POST":
            abort(405)
        messages.record_view(current_user, case)
        return render_template(
            "notifications/message_threads.html", case=case, threads=messages.threads_on(case)
        )
    form = MessageForm()
    if form.validate_on_submit():
        try:
            messages.write_to_council(current_user, case, form.body.data)
        except Refused as refused:
            show_on_form(form, refused)
        else:
            flash("Your message has been sent to the council", "success")
            return redirect(url_for("notifications.case_messages", case_id=case.public_id), 303)
    thread = messages.thread_of(current_user, case)
    messages.record_view(current_user, case, thread)
    return render_template(
        "notifications/messages.html",
        case=case,
        thread=thread,
        messages=messages.messages_in(thread),
        form=form,
        action=url_for("notifications.case_messages", case_id=case.public_id),
        heading="Messages with the council",
        back=url_for("cases.case_page", case_id=case.public_id),
    )


@bp.route("/messages/<public_id:thread_id>", methods=["GET", "POST"])
@access.load(MessageThread, "thread_id", access.Action.VIEW, g_name="thread")
def thread_page():
    """One thread, with a box to reply: for the council, or for the person whose thread it is."""
    thread = g.thread
    form = MessageForm()
    if form.validate_on_submit():
        try:
            messages.reply(current_user, thread, form.body.data)
        except Refused as refused:
            show_on_form(form, refused)
        else:
            flash("Your message has been sent", "success")
            return redirect(url_for("notifications.thread_page", thread_id=thread.public_id), 303)
    messages.record_view(current_user, thread.case, thread)
    council = messages.is_council_side(current_user, thread.case)
    return render_template(
        "notifications/messages.html",
        case=thread.case,
        thread=thread,
        messages=messages.messages_in(thread),
        form=form,
        action=url_for("notifications.thread_page", thread_id=thread.public_id),
        heading=f"Messages with {thread.person.name}" if council else "Messages with the council",
        back=url_for("notifications.case_messages", case_id=thread.case.public_id),
    )


def messages_section(case, user) -> dict | None:
    """A link to write to the council (or, for the council, to the case's messages). No query."""
    return {"case": case, "council": messages.is_council_side(user, case)}


def init_app(app: Flask) -> None:
    """The header's unread count, for every page a signed-in person sees."""

    @app.context_processor
    def unread() -> dict:
        def unread_notices() -> int:
            if not current_user.is_authenticated:
                return 0
            return services.unread_count(current_user)

        return {"unread_notices": unread_notices, "UNREAD_CAP": services.UNREAD_CAP}
