"""Fixtures for the pledge tests: the shipped content (the pledge must be published to sign)."""

from __future__ import annotations

import pytest

from portal.content.files import default_content_folder
from portal.content.services import LoadResult, load_folder


@pytest.fixture
def content(app) -> LoadResult:
    """Every page in content/, loaded and published as `flask content load` does."""
    return load_folder(default_content_folder())
