"""Sections of the case page that feature packages contribute (documents, pledge, updates...).

A feature registers a function that returns the template context for its section, or None
when the section is not for this person. The case page shows the sections in `order`. Each
function must run a fixed number of queries, whatever the size of the case.

    @case_section("documents", "documents/partials/case_section.html", order=40)
    def documents_section(case, user):
        return {"documents": ...}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SectionContext = Callable[[Any, Any], dict | None]


@dataclass(frozen=True)
class CaseSection:
    key: str
    template: str
    order: int
    context: SectionContext


_sections: dict[str, CaseSection] = {}


def case_section(
    key: str, template: str, *, order: int
) -> Callable[[SectionContext], SectionContext]:
    """Register a section of the case page."""

    def register(context: SectionContext) -> SectionContext:
        _sections[key] = CaseSection(key, template, order, context)
        return context

    return register


def sections_for(case, user) -> list[tuple[str, dict]]:
    """The (template, context) of each section this person sees on this case, in order."""
    shown = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        context = section.context(case, user)
        if context is not None:
            shown.append((section.template, context))
    return shown
