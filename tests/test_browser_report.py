"""The browser tests' report under pytest-xdist, as `make test` runs them: the pages checked
per role, and the banner when Chromium is missing, are printed by the controller, and all
browser tests run on one worker (they share one server)."""

from __future__ import annotations

import re

from portal.config import PROJECT_ROOT
from tests.browser.reporting import MISSING_BROWSER

FAKE_BROWSER_TESTS = f"""
import pytest

pytestmark = pytest.mark.browser

def test_crawl(record_property):
    record_property("pages_checked", ("parent", "js", 7))

def test_needs_chromium():
    pytest.skip({MISSING_BROWSER!r})

@pytest.mark.parametrize("n", range(4))
def test_more(n):
    pass
"""


def test_browser_summary_and_missing_browser_banner_print_under_xdist(
    pytester, monkeypatch, request
):
    """With two workers the summary names the crawl's pages, the banner is the last thing
    printed, and every browser test ran on the same worker."""
    # The root conftest loads the report, so the controller of `make test` has it too.
    assert request.config.pluginmanager.has_plugin("tests.browser.reporting")
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    pytester.makepyfile(test_fake_browser=FAKE_BROWSER_TESTS)
    result = pytester.runpytest_subprocess(
        "-p", "tests.browser.reporting", "-n", "2", "--dist", "loadgroup", "-v"
    )
    result.assert_outcomes(passed=5, skipped=1)
    result.stdout.fnmatch_lines(
        ["*crawl parent*js*7 pages checked with axe", "*6 browser tests took * s*"]
    )
    assert MISSING_BROWSER in result.stdout.lines[-1]
    workers = set(re.findall(r"\[(gw\d+)\]", result.stdout.str()))
    assert len(workers) == 1, workers
