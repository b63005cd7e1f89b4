"""The document area: the list, uploads, new versions, removal, restoring and downloads.

Every view loads its object through `access.load`, so anyone who may not see a document (or its
case) gets the same 404 as for an id that does not exist.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from portal import access
from portal.accounts.models import Role
from portal.accounts.reauth import fresh_second_factor
from portal.cases.models import Case
from portal.cases.services import record_view
from portal.documents import archive, intake, policy, services
from portal.documents.filenames import content_disposition
from portal.documents.forms import (
    NewVersionForm,
    RemoveDocumentForm,
    TellUsForm,
    UploadForm,
    chosen_files,
)
from portal.documents.models import Category, Document, DocumentVersion
from portal.documents.policy import DocumentAction
from portal.documents.scanning import ScannerUnavailable
from portal.documents.storage import format_size
from portal.errors import TITLES
from portal.extensions import limiter
from portal.rendering import render_page, wants_fragment

bp = Blueprint("documents", __name__)

#: Headers for every file we send: save it, never show it in the page's origin.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}
SCANNER_DOWN = (
    "We cannot check files for viruses at the moment, so nothing was added. Try again later."
)


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    """ "2.5 MB", "300 KB": a file's size the way people say it."""
    return format_size(size)


def _max_mb() -> int:
    return current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)


def _is_staff() -> bool:
    """Schools, professionals and the council see whether a file was virus-scanned."""
    return Role(current_user.role).is_professional


def _upload_form(case: Case, **kwargs) -> UploadForm:
    return UploadForm(
        categories=policy.categories_for(current_user, case),
        restrictions=policy.restrictions_for(current_user, case),
        max_mb=_max_mb(),
        **kwargs,
    )


@dataclass(frozen=True)
class GroupView:
    """One category on the documents page: how many there are, the rows shown, and whether
    there are more than shown (a "See all" link to the category's own pages)."""

    category: Category
    count: int
    rows: list
    more: bool


@dataclass(frozen=True)
class Paging:
    """Where a category's own pages are: this page, how many, and each page's address."""

    category: Category
    page: int
    pages: int
    case_id: str

    def url(self, number: int) -> str:
        return url_for(
            "documents.case_documents",
            case_id=self.case_id,
            group=self.category.value,
            page=number,
        )


def _groups(
    case: Case, tally: services.DocumentTally, group: str | None, page: int
) -> tuple[list[GroupView], Paging | None]:
    """The documents page's groups: every category with its count (counted in SQL) and its
    newest few; or, when `group` names a category, one page of that category alone. The rows
    fetched never grow with the number of documents."""
    counts = dict(tally.counts)
    chosen = Category(group) if group in set(Category) else None
    if chosen is not None and chosen in counts:
        count = counts[chosen]
        pages = max(1, math.ceil(count / services.GROUP_PAGE_SIZE))
        page = min(max(page, 1), pages)
        documents = services.category_page(current_user, case, chosen, page)
        rows = services.rows_by_category(current_user, documents)
        view = GroupView(chosen, count, rows[0][1] if rows else [], more=False)
        return [view], Paging(chosen, page, pages, case.public_id)
    newest = dict(
        services.rows_by_category(
            current_user, services.newest_of_each_category(current_user, case)
        )
    )
    return [
        GroupView(category, count, newest.get(category, []), count > services.GROUP_PREVIEW)
        for category, count in counts.items()
    ], None


def _area_context(
    case: Case,
    form: UploadForm | None = None,
    *,
    group: str | None = None,
    page: int = 1,
    **extra,
) -> dict:
    """What the documents area (list + upload form) needs, for the page and its fragment.

    `form` is only in the context for people who may add documents (the layout reads `form`).
    """
    can_add = access.can(current_user, access.Action.ADD_DOCUMENTS, case)
    can_manage = access.can(current_user, access.Action.MANAGE, case)
    tally = services.document_tally(current_user, case)
    groups, paging = _groups(case, tally, group, page)
    context = {
        "case": case,
        "groups": groups,
        "paging": paging,
        "document_count": sum(g.count for g in groups) if paging is None else None,
        "can_add": can_add,
        "can_manage": can_manage,
        # Only whoever manages the case learns that removed documents exist.
        "removed_count": services.removed_count(case) if can_manage else 0,
        "show_scan": _is_staff(),
        "kept": tally.kept,
        "refused": False,
        "added": [],
        **extra,
    }
    if can_add:
        # A fresh, empty form unless one with errors is given (never bound to this request).
        context["form"] = form if form is not None else _upload_form(case, formdata=None)
    return context


def _added_message(count: int) -> str:
    return "1 document added" if count == 1 else f"{count} documents added"


# --- The list ----------------------------------------------------------------------------------


@bp.get("/cases/<public_id:case_id>/documents")
@access.load(Case, "case_id", access.Action.VIEW_DOCUMENTS)
def case_documents():
    """The documents of the case this person may see, grouped by category with counts, the
    newest few of each; or (`?group=<category>&page=N`) one category a page at a time. The page
    and its htmx fragment are both recorded as a view of the case."""
    response = render_page(
        "documents/case_documents.html",
        fragment="documents/partials/documents_area.html",
        **_area_context(
            g.case,
            group=request.args.get("group"),
            page=request.args.get("page", 1, type=int),
        ),
    )
    record_view(current_user, g.case, page="documents")
    return response


def documents_section(case: Case, user) -> dict | None:
    """The case overview's Documents section: how many of each kind, counted in SQL (one query
    however many documents there are), and links to the documents page and to add one."""
    if not access.can(user, access.Action.VIEW_DOCUMENTS, case):
        return None
    tally = services.document_tally(user, case)
    return {
        "case": case,
        "kept": tally.kept,
        "counts": tally.counts,
        "document_count": sum(count for _, count in tally.counts),
        "can_add": access.can(user, access.Action.ADD_DOCUMENTS, case),
    }


# --- Adding ------------------------------------------------------------------------------------


def _uploader() -> str:
    """Uploads are limited per person (wherever they upload from), else per address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"address:{request.remote_addr}"


# Every upload costs a scan and a check of its contents: one person may not make the server do
# that without pause. Shared by both upload pages; a page of several files is one upload.
upload_limit = limiter.shared_limit(
    "10 per minute; 60 per hour", scope="uploads", key_func=_uploader, methods=["POST"]
)


@bp.route("/cases/<public_id:case_id>/documents/add", methods=["GET", "POST"])
@upload_limit
@access.load(Case, "case_id", access.Action.ADD_DOCUMENTS)
def upload_documents():
    """Upload one or several files (one document each). With htmx, answers the documents area
    (the list refreshed, or the form with its errors); without, redirects or shows the form."""
    case = g.case
    form = _upload_form(case)
    refused = False
    if form.validate_on_submit():
        try:
            documents = services.add_documents(
                current_user,
                case,
                title=form.title.data,
                category=form.category.data,
                restriction=form.chosen_restriction,
                files=chosen_files(form.files),
                restriction_reason=form.chosen_reason,
            )
        except intake.UploadRefused as refusal:
            form.files.errors = list(refusal.problems)
            refused = True
        except ScannerUnavailable:
            current_app.logger.exception("Upload refused: the virus scanner is not answering")
            if wants_fragment():
                form.form_errors.append(SCANNER_DOWN)
                return render_template(
                    "documents/partials/documents_area.html", **_area_context(case, form)
                )
            return _scanner_down(case)
        else:
            message = _added_message(len(documents))
            if wants_fragment():
                return render_template(
                    "documents/partials/documents_area.html",
                    **_area_context(case, added=documents, announce=message),
                )
            flash(message, "success")
            return redirect(url_for("documents.case_documents", case_id=case.public_id), 303)
    if request.method == "POST" and wants_fragment():
        return render_template(
            "documents/partials/documents_area.html",
            **_area_context(case, form, refused=refused),
        )
    return render_template("documents/upload.html", case=case, form=form, refused=refused)


def _scanner_down(case: Case):
    response = Response(
        render_template("documents/scanner_down.html", case=case, page_title=TITLES[503]), 503
    )
    response.headers["Retry-After"] = "300"
    return response


@bp.errorhandler(413)
def upload_too_big(error):
    """The request is bigger than the limit: refused before its body is read.

    For htmx the problem is put above the form (with status 200, the only status htmx swaps)
    so what the person typed stays; otherwise the site's 413 page names the limit.
    """
    if wants_fragment():
        response = Response(
            render_template("documents/partials/too_big.html", max_mb=_max_mb()), 200
        )
        response.headers["HX-Retarget"] = "#upload-problem"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return Response(
        render_template(
            "errors/error.html",
            status=413,
            page_title=TITLES[413],
            csrf=False,
            typed=[],
            back_url=None,
            max_mb=_max_mb(),
        ),
        413,
    )


@bp.route("/documents/<public_id:document_id>/new-version", methods=["GET", "POST"])
@upload_limit
@access.load(Document, "document_id", DocumentAction.ADD_VERSION)
def new_version():
    """Add a new version of a document; the old versions are kept."""
    document = g.document
    form = NewVersionForm(max_mb=_max_mb())
    if form.validate_on_submit():
        try:
            version = services.add_version(current_user, document, form.file.data)
        except intake.UploadRefused as refusal:
            form.file.errors = list(refusal.problems)
        except ScannerUnavailable:
            current_app.logger.exception("Upload refused: the virus scanner is not answering")
            return _scanner_down(document.case)
        else:
            flash(f"Version {version.number} of “{document.title}” added", "success")
            return redirect(
                url_for("documents.case_documents", case_id=document.case.public_id), 303
            )
    return render_template("documents/new_version.html", document=document, form=form)


# --- Removing ----------------------------------------------------------------------------------


@bp.route("/documents/<public_id:document_id>/remove", methods=["GET", "POST"])
@access.load(Document, "document_id", DocumentAction.REMOVE)
def remove_document():
    """Ask why (GET), then hide the document from every list (POST). Nothing is destroyed."""
    document = g.document
    form = RemoveDocumentForm()
    if form.validate_on_submit():
        services.remove_document(current_user, document, form.reason.data)
        flash(f"“{document.title}” was removed", "success")
        return redirect(url_for("documents.case_documents", case_id=document.case.public_id), 303)
    return render_template("documents/remove.html", document=document, form=form)


# --- Removed documents: seen, downloaded and restored by the case officer only -----------------


@bp.get("/cases/<public_id:case_id>/documents/removed")
@access.load(Case, "case_id", access.Action.MANAGE)
def removed_documents():
    """The case's removed documents: who removed each, when and why, with downloads and a
    button to restore it."""
    case = g.case
    page = render_template(
        "documents/removed.html",
        case=case,
        documents=services.removed_documents_for(current_user, case),
        show_scan=_is_staff(),
    )
    record_view(current_user, case, page="removed documents")
    return page


@bp.post("/documents/<public_id:document_id>/restore")
@access.load(Document, "document_id", DocumentAction.RESTORE)
def restore_document():
    """Put a removed document back in the lists; back to the removed list while any are left."""
    document = g.document
    case = document.case
    services.restore_document(current_user, document)
    flash(f"“{document.title}” was restored. It is back in the list of documents.", "success")
    if services.removed_count(case):
        return redirect(url_for("documents.removed_documents", case_id=case.public_id), 303)
    return redirect(url_for("documents.case_documents", case_id=case.public_id), 303)


# --- Downloading -------------------------------------------------------------------------------


def _download_headers(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers.update(DOWNLOAD_HEADERS)
    return response


@bp.get("/document-versions/<public_id:version_id>/download")
@access.load(DocumentVersion, "version_id", DocumentAction.VIEW, g_name="version")
def download_version():
    """Send one version as an attachment, after recording who downloaded it."""
    return _send_version(g.version)


@bp.get("/removed-document-versions/<public_id:version_id>/download")
@access.load(DocumentVersion, "version_id", DocumentAction.VIEW_REMOVED, g_name="version")
def download_removed_version():
    """Send one version of a removed document (the case officer only), recorded the same way."""
    return _send_version(g.version)


def _send_version(version: DocumentVersion) -> Response:
    store = intake.storage()
    if not store.exists(version.storage_key):
        current_app.logger.error("The stored file of version %s is missing", version.public_id)
        abort(500)
    # Read before recording: the record's commit expires the version, and reading it again
    # would cost a query.
    path, mime_type, filename = (
        store.path(version.storage_key),
        version.mime_type.split(";")[0],
        version.original_filename,
    )
    services.record_download(current_user, version)
    response = send_file(
        path,
        mimetype=mime_type,  # Werkzeug adds "; charset=utf-8" to text types itself
        conditional=False,
        etag=False,
        max_age=None,
    )
    return _download_headers(response, filename)


@bp.get("/cases/<public_id:case_id>/documents/download-all")
@access.load(Case, "case_id", access.Action.MANAGE)
@fresh_second_factor
def download_all():
    """The newest version of every document on the case, as one zip made while it is sent."""
    case = g.case
    documents = services.documents_for(current_user, case)
    entries = archive.entries_for(documents)
    services.record_zip_download(current_user, case, documents)
    response = Response(archive.stream_zip(intake.storage(), entries), mimetype="application/zip")
    return _download_headers(response, f"{case.reference} documents.zip")


# --- "Tell us something": the young person's own form ---------------------------------------


def _tell_us_form(**kwargs) -> TellUsForm:
    return TellUsForm(max_mb=_max_mb(), **kwargs)


def tell_us_section(case: Case, user) -> dict | None:
    """The young person's case page: "Tell us something" (the form) and what they told us
    lately (two queries at most). Nobody else sees this section."""
    if not access.can(user, access.Action.TELL_US, case):
        return None
    return {
        "case": case,
        "form": _tell_us_form(formdata=None),
        "messages": services.messages_for(user, case),
    }


@bp.route("/cases/<public_id:case_id>/tell-us", methods=["GET", "POST"])
@upload_limit
@access.load(Case, "case_id", access.Action.TELL_US)
def tell_us():
    """The young person tells the people on their case something: words, a picture if they
    like, and who sees it. The case page holds the same form; this page shows it again with
    its errors (the words and the choice kept), and works as its own page without JavaScript."""
    case = g.case
    form = _tell_us_form()
    if form.validate_on_submit():
        try:
            services.tell_us(
                current_user,
                case,
                body=form.words.data,
                who_sees=form.who_sees.data,
                picture=form.chosen_picture,
            )
        except intake.UploadRefused as refusal:
            form.picture.errors = list(refusal.problems)
        except ScannerUnavailable:
            current_app.logger.exception("Picture refused: the virus scanner is not answering")
            form.picture.errors = [
                "We cannot check pictures at the moment. Send your words now, or try the "
                "picture again later."
            ]
        else:
            flash("Thank you. We have your message.", "success")
            return redirect(
                url_for("cases.case_page", case_id=case.public_id, _anchor="tell-us"), 303
            )
    messages = services.messages_for(current_user, case)
    page = render_template("documents/tell_us.html", case=case, form=form, messages=messages)
    record_view(current_user, case, page="tell us something")
    return page
