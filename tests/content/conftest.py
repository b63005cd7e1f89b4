"""Fixtures for the content tests: the shipped pages in the database, and a second editor."""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.content.files import default_content_folder
from portal.content.services import LoadResult, load_folder
from tests import factories


@pytest.fixture
def content(app) -> LoadResult:
    """Every page in content/, loaded and published as `flask content load` does."""
    return load_folder(default_content_folder())


@pytest.fixture
def editor2(app):
    """A second Parent Carer Forum editor, for two people editing one page."""
    return factories.make_user(Role.CONTENT_EDITOR, name="Lucy Green")
