"""Who may change content pages: Parent Carer Forum staff (the content editor role) every page,
and the council's funding officers the banded-funding pages (the band descriptors for each area
of need and the page explaining banded funding), which they own. Nobody else.

Content pages are public once published, so reading them needs no rule. Editing, publishing and
restoring go through this rule: the editor's views ask it for each page (a page someone may not
change is not found), and the services ask `access.can` again before any change.
"""

from __future__ import annotations

from enum import StrEnum

from portal.accounts.models import Role, User
from portal.content.models import ContentPage
from portal.content.pages import BAND_PAGES

#: The pages a funding officer keeps: the descriptors of each band, and how banded funding works.
FUNDING_PAGES = frozenset([*BAND_PAGES, "banded-funding"])

#: Roles who may use the content editor (for some pages or all).
CONTENT_ROLES = (Role.CONTENT_EDITOR, Role.FUNDING_OFFICER)


class ContentAction(StrEnum):
    EDIT = "edit"  # save a revision, restore an old one
    PUBLISH = "publish"  # publish or unpublish


def content_page_rule(user: User, action: str, page: ContentPage) -> bool:
    """Content editors may edit and publish every page; funding officers the banded-funding
    pages; no other role may change content."""
    if action not in tuple(ContentAction):
        return False
    if user.role == Role.CONTENT_EDITOR:
        return True
    return user.role == Role.FUNDING_OFFICER and page.slug in FUNDING_PAGES
