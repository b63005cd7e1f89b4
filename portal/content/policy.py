"""Who may change content pages: Parent Carer Forum staff (the content editor role), nobody else.

Content pages are public once published, so reading them needs no rule. Editing, publishing and
restoring are for content editors only; the editor's views are also limited to that role by
`access.role_required`, and the services ask `access.can` again before any change.
"""

from __future__ import annotations

from enum import StrEnum

from portal.accounts.models import Role, User
from portal.content.models import ContentPage


class ContentAction(StrEnum):
    EDIT = "edit"  # save a revision, restore an old one
    PUBLISH = "publish"  # publish or unpublish


def content_page_rule(user: User, action: str, page: ContentPage) -> bool:
    """Content editors may edit and publish every page; no other role may change content."""
    return user.role == Role.CONTENT_EDITOR and action in tuple(ContentAction)
