"""Sections of the case page that feature packages contribute (documents, pledge, people...).

Each section is a template and a function that returns its context, or None when the section is
not for this person. `portal.wiring.CASE_SECTIONS` lists them, in the order the page shows them,
and `create_app` installs the list. Each function must run a fixed number of queries, whatever
the size of the case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

SectionContext = Callable[[Any, Any], dict | None]
_EXTENSION = "portal.case_sections"


@dataclass(frozen=True)
class CaseSection:
    key: str
    template: str
    context: SectionContext
    page: str = "overview"  # which page of the case shows it: "overview" or "people"


def install_sections(app: Flask, sections: Sequence[CaseSection]) -> None:
    """Give the app the sections of the case page, in the order they are shown."""
    app.extensions[_EXTENSION] = tuple(sections)


def sections_for(case: Any, user: Any, page: str = "overview") -> list[tuple[str, dict]]:
    """The (template, context) of each section this person sees on this page of the case, in
    order."""
    shown = []
    for section in current_app.extensions[_EXTENSION]:
        if section.page != page:
            continue
        context = section.context(case, user)
        if context is not None:
            shown.append((section.template, context))
    return shown
