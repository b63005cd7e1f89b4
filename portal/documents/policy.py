"""Who may do what to documents (the rules are listed in `portal.wiring`).

A document is seen only by people who may see the case's documents (their grant says so, or they
are the team's case officer) AND whom its restriction allows. The restriction uses the same rule
as the timeline (`portal.cases.policy.may_see_visibility`), so it only ever narrows what a grant
allows.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from portal import access, clock
from portal.accounts.models import User
from portal.cases.models import Case
from portal.cases.policy import is_team_case_officer, may_see_visibility
from portal.documents.models import Category, Document, DocumentVersion, Restriction

#: How long the person who added a document may still remove it themselves.
UPLOADER_REMOVAL_WINDOW = timedelta(hours=24)


class DocumentAction(StrEnum):
    VIEW = "view"  # see it in lists and download any of its versions
    ADD_VERSION = "add_version"
    REMOVE = "remove"
    # Removed documents: see them in the removed list, download their versions, bring them back.
    VIEW_REMOVED = "view_removed"
    RESTORE = "restore"


def restrictions_for(user: User, case: Case) -> list[Restriction]:
    """The restrictions a person may give a document they add: only ones they can see themselves
    (a parent cannot hide a document from themselves by mistake)."""
    return [r for r in Restriction if may_see_visibility(user, case, r.visibility)]


def categories_for(user: User, case: Case) -> list[Category]:
    """The categories a person may file a document under: plans and decision letters are filed
    by the team's case officer only, so a family's own file is never mistaken for the plan."""
    if is_team_case_officer(user, case):
        return list(Category)
    return [c for c in Category if not c.council_only_to_add]


def may_manage_removed(user: User, case: Case) -> bool:
    """Removed documents are for whoever manages the case (the team's case officer) alone."""
    return access.can(user, access.Action.MANAGE, case)


def _may_view(user: User, document: Document) -> bool:
    case = document.case
    return (
        not document.is_removed
        and access.can(user, access.Action.VIEW_DOCUMENTS, case)
        and (
            # Whoever added it sees it (a young person's picture "just for my case officer").
            document.created_by_id == user.id
            or may_see_visibility(user, case, Restriction(document.restriction).visibility)
        )
    )


def document_rule(user: User, action: str, document: Document) -> bool:
    """View: the case's documents and the restriction allow it (removed documents: nobody).
    New version: the person who added it (while they may still add documents) or the team's
    case officer. Remove: the person who added it within 24 hours, or the team's case officer.
    A removed document allows only VIEW_REMOVED and RESTORE, to whoever manages the case."""
    if document.is_removed:
        return action in (
            DocumentAction.VIEW_REMOVED,
            DocumentAction.RESTORE,
        ) and may_manage_removed(user, document.case)
    if not _may_view(user, document):
        return False
    officer = is_team_case_officer(user, document.case)
    added_it = document.created_by_id == user.id
    if action == DocumentAction.VIEW:
        return True
    if action == DocumentAction.ADD_VERSION:
        return officer or (
            added_it and access.can(user, access.Action.ADD_DOCUMENTS, document.case)
        )
    if action == DocumentAction.REMOVE:
        recent = clock.utcnow() - document.created_at <= UPLOADER_REMOVAL_WINDOW
        return officer or (added_it and recent)
    return False


def version_rule(user: User, action: str, version: DocumentVersion) -> bool:
    """A version may be downloaded by whoever may view its document; a removed document's
    versions (VIEW_REMOVED) by whoever may see the removed document."""
    if action not in (DocumentAction.VIEW, DocumentAction.VIEW_REMOVED):
        return False
    return access.can(user, action, version.document)
