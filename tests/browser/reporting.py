"""The browser tests' end-of-run report: pages checked per role, the time the browser tests took,
and a loud banner when Chromium was missing so they did not run.

A plugin registered by the root conftest, not hooks in tests/browser/conftest.py: under
pytest-xdist only the controller prints, and it loads no conftest below the root. It learns what
happened from test reports (`keywords`, `longrepr`, `user_properties`), which xdist sends from
the workers. It also keeps every browser test on one xdist worker, since they share one server
and one demo database per session.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
MISSING_BROWSER = "BROWSER TESTS DID NOT RUN: install Chromium with `apt-get install chromium`"

_summary: dict = {"missing_browser": False, "seconds": 0.0, "tests": 0, "pages": []}


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group("browser"))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "browser" not in report.keywords:
        return
    _summary["seconds"] += report.duration
    if report.skipped and MISSING_BROWSER in str(report.longrepr):
        _summary["missing_browser"] = True
    if report.when != "call":
        return
    _summary["tests"] += 1
    for name, value in report.user_properties:
        if name == "pages_checked":
            _summary["pages"].append(tuple(value))  # a list once it has come through xdist


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """Pages checked per role and the time the browser tests took."""
    if _is_worker(config) or not _summary["tests"]:
        return
    terminalreporter.write_sep("-", "browser tests")
    for who, mode, count in sorted(_summary["pages"]):
        terminalreporter.write_line(
            f"  crawl {who:<14} {mode:<5} {count:>3} pages checked with axe"
        )
    terminalreporter.write_line(
        f"  {_summary['tests']} browser tests took {_summary['seconds']:.1f} s "
        "(including starting the server and Chromium)"
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    """Without Chromium, say so as the very last thing the run prints, where nobody misses it."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if _is_worker(config) or not (_summary["missing_browser"] and reporter):
        return
    reporter.write_sep("!", MISSING_BROWSER, red=True, bold=True)
    reporter.write_line(
        f"No Chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH to use another), so the "
        "accessibility, keyboard, small-screen and no-JavaScript checks were skipped.",
        red=True,
        bold=True,
    )
    reporter.write_sep("!", MISSING_BROWSER, red=True, bold=True)
