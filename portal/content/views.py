"""The content editor (Parent Carer Forum staff, and funding officers for the banded-funding
pages): pages, editing with a live preview and a plain-language check, revisions, comparing,
restoring, publishing.

Every view is for those two roles only (others get 403); a page the person may not change
(`portal.content.policy`) is not found, and changes go through `portal.content.services`. Pages
are named by their slug, which is public anyway.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal import access
from portal.content import services
from portal.content.diffing import diff_text
from portal.content.forms import (
    MAX_BODY,
    CompareForm,
    ConfirmForm,
    EditPageForm,
    PublishAnywayForm,
    PublishForm,
)
from portal.content.models import ContentPage, ContentRevision
from portal.content.pages import public_url
from portal.content.plain_language import check_text
from portal.content.policy import CONTENT_ROLES, ContentAction
from portal.content.rendering import render_markdown
from portal.pathway.next_step import STEP_HEADINGS, STEPS_OF_STAGE
from portal.rendering import render_page

bp = Blueprint("content", __name__, url_prefix="/content")

editors_only = access.role_required(*CONTENT_ROLES)


def _page(slug: str) -> ContentPage:
    """The page, if it exists and this person may change it; otherwise not found."""
    page = services.page_by_slug(slug)
    if page is None or not access.can(current_user, ContentAction.EDIT, page):
        abort(404)
    return page


def _revision(page: ContentPage, number: int) -> ContentRevision:
    revision = services.revision_of(page, number)
    if revision is None:
        abort(404)
    return revision


def _preview(page: ContentPage, body: str) -> dict:
    """The preview and the plain-language report for what the editor has typed (nothing saved)."""
    body = (body or "")[:MAX_BODY]  # never render more than a page may hold
    return {
        "preview": render_markdown(body) if body.strip() else None,
        "report": check_text(body, page.audience) if body.strip() else None,
    }


def _case_page_headings(page: ContentPage) -> list[str]:
    """The headings whose first paragraph a pathway page lends to case pages ("Where we are"),
    so the editor keeps them: the stage's own two, then one per step within any stage."""
    if not page.slug.startswith("pathway-"):
        return []
    steps = next(
        (
            steps
            for stage, steps in STEPS_OF_STAGE.items()
            if page.slug.startswith(f"pathway-{stage.value.replace('_', '-')}-")
        ),
        (),
    )
    return ["What happens next", "What you can do", *(STEP_HEADINGS[step] for step in steps)]


def _edit_page(page: ContentPage, form: EditPageForm, status: int = 200, **extra):
    return render_page(
        "content/edit.html",
        fragment="content/partials/preview.html",
        status=status,
        page=page,
        form=form,
        conflict=extra.pop("conflict", None),
        case_page_headings=_case_page_headings(page),
        **_preview(page, form.body.data),
        **extra,
    )


@bp.get("")
@editors_only
def page_list():
    """Every content page with its audience, status and last change."""
    rows = [
        row
        for row in services.page_rows()
        if access.can(current_user, ContentAction.EDIT, row.page)
    ]
    return render_template("content/page_list.html", rows=rows)


@bp.get("/<slug:slug>")
@editors_only
def page_detail(slug: str):
    """One page: where it stands, publish or unpublish, its revisions, compare two."""
    page = _page(slug)
    revisions = services.revisions_of(page)
    numbers = [revision.number for revision in revisions]
    compare_form = CompareForm(formdata=None, numbers=numbers)
    compare_form.new.data = page.current_number
    compare_form.old.data = (
        page.published_number
        if page.published_number not in (None, page.current_number)
        else max(page.current_number - 1, 1)
    )
    publish_form = PublishForm(formdata=None, revision=page.current_number)
    return render_template(
        "content/page_detail.html",
        page=page,
        revisions=revisions,
        current=revisions[0],
        published=next((r for r in revisions if r.number == page.published_number), None),
        compare_form=compare_form,
        form=publish_form,
        public_url=public_url(page.slug),
        two_editors=current_app.config["CONTENT_TWO_EDITORS"],
    )


@bp.route("/<slug:slug>/edit", methods=["GET", "POST"])
@editors_only
def edit_page(slug: str):
    """Edit the words. Saving adds a revision; if someone else saved since this editor opened
    the page, nothing is saved: they see the other version and keep what they typed."""
    page = _page(slug)
    if request.method == "GET":
        current = services.current_revision(page)
        form = EditPageForm(
            formdata=None,
            title=current.title,
            summary=current.summary,
            body=current.body,
            based_on=current.number,
        )
        return _edit_page(page, form)

    form = EditPageForm()
    if not form.validate():
        return _edit_page(page, form)
    try:
        revision = services.save_revision(
            current_user,
            page,
            title=form.title.data,
            summary=form.summary.data,
            body=form.body.data,
            based_on=form.based_on.data,
        )
    except services.EditConflict as conflict:
        theirs = conflict.theirs
        form.form_errors.append(conflict.message + " Nothing was saved. Your text is below.")
        # Saving again is now a choice made with the other version in view.
        form.based_on.data = theirs.number
        form.based_on.raw_data = [str(theirs.number)]
        return _edit_page(
            page,
            form,
            status=409,
            conflict={
                "theirs": theirs,
                "title": diff_text(theirs.title, form.title.data),
                "summary": diff_text(theirs.summary, form.summary.data),
                "body": diff_text(theirs.body, form.body.data + "\n"),
            },
        )
    if revision is None:
        flash("You did not change anything, so nothing was saved", "info")
    else:
        flash(f"Saved as revision {revision.number}. It is not published yet", "success")
    return redirect(url_for("content.page_detail", slug=page.slug), 303)


@bp.post("/<slug:slug>/preview")
@editors_only
def preview_page(slug: str):
    """Show what the typed words will look like and how plain they are. Saves nothing.

    htmx (as the editor pauses typing) gets the preview fragment; the "Preview" button without
    JavaScript gets the whole edit page back with everything typed kept.
    """
    page = _page(slug)
    return _edit_page(page, EditPageForm())


@bp.post("/<slug:slug>/publish")
@editors_only
def publish_page(slug: str):
    """Publish the revision the editor was looking at."""
    page = _page(slug)
    reason = ""
    if "override_reason" in request.form:  # sent from the "needs work" page
        anyway = PublishAnywayForm()
        if not anyway.validate():
            if anyway.revision.errors or "csrf_token" in anyway.errors:
                abort(400)
            return _needs_work_page(page, anyway)
        number, reason = anyway.revision.data, anyway.override_reason.data
    else:
        form = PublishForm()
        if not form.validate():
            abort(400)
        number = form.revision.data
    try:
        done = services.publish_revision(current_user, page, number, override_reason=reason)
    except services.RevisionMissing:
        abort(404)
    except services.NeedsWork:
        return _needs_work_page(page, PublishAnywayForm(formdata=None, revision=number))
    if done.published:
        flash(f"Revision {done.revision.number} is published. Everyone can now read it", "success")
    else:
        flash(
            f"Revision {done.revision.number} is waiting for another editor to approve it. "
            "It is not published yet",
            "success",
        )
    return redirect(url_for("content.page_detail", slug=page.slug), 303)


def _needs_work_page(page: ContentPage, form: PublishAnywayForm):
    """Publishing a revision that misses its plain-language target needs a second look and a
    reason: young people may read it on their case page as soon as it is published."""
    revision = _revision(page, form.revision.data)
    report = check_text(revision.body, page.audience)
    return render_template(
        "content/publish_anyway.html", page=page, revision=revision, report=report, form=form
    )


@bp.route("/<slug:slug>/unpublish", methods=["GET", "POST"])
@editors_only
def unpublish_page(slug: str):
    """Take the page off the public site: a confirmation page, then the act."""
    page = _page(slug)
    form = ConfirmForm()
    if page.published_number is None:
        flash("This page is not published", "info")
        return redirect(url_for("content.page_detail", slug=page.slug), 303)
    if form.validate_on_submit():
        services.unpublish_page(current_user, page)
        flash("The page is unpublished. The public can no longer read it", "success")
        return redirect(url_for("content.page_detail", slug=page.slug), 303)
    return render_template("content/unpublish.html", page=page, form=form)


@bp.get("/<slug:slug>/compare")
@editors_only
def compare_revisions(slug: str):
    """Two revisions side by side as one readable diff (added and removed words)."""
    page = _page(slug)
    numbers = [revision.number for revision in services.revisions_of(page)]
    form = CompareForm(formdata=request.args, numbers=numbers)
    if not form.validate():
        abort(404)
    old, new = _revision(page, form.old.data), _revision(page, form.new.data)
    return render_template(
        "content/compare.html",
        page=page,
        old=old,
        new=new,
        compare_form=form,
        diffs=[
            ("Title", diff_text(old.title, new.title)),
            ("Summary", diff_text(old.summary, new.summary)),
            ("Page text", diff_text(old.body, new.body)),
        ],
    )


@bp.get("/<slug:slug>/revisions/<int:number>")
@editors_only
def show_revision(slug: str, number: int):
    """One old revision as it looked."""
    page = _page(slug)
    return render_template("content/revision.html", page=page, revision=_revision(page, number))


@bp.route("/<slug:slug>/revisions/<int:number>/restore", methods=["GET", "POST"])
@editors_only
def restore_revision(slug: str, number: int):
    """Make an old revision the newest again (as a new revision): confirm, then do it."""
    page = _page(slug)
    old = _revision(page, number)
    form = ConfirmForm()
    if form.validate_on_submit():
        revision = services.restore_revision(current_user, page, old.number)
        flash(
            f"Revision {old.number} is restored as revision {revision.number}. "
            "It is not published yet",
            "success",
        )
        return redirect(url_for("content.page_detail", slug=page.slug), 303)
    return render_template("content/restore.html", page=page, revision=old, form=form)
