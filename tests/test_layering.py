"""Packages depend one way: every import in portal/ points down this list, never up or sideways.

    shared ground   access, audit, audit_anchor, clock, config, contacts, converters, dates,
                    errors, extensions, forms, mail, pathway, refusals, rendering, security,
                    sqlstats
    accounts        people's accounts, organisations, sign-in
    content         the editors' pages and their rendering
    cases           the case everyone reads: tracker, caseload, timeline, dashboard, updates
    features        documents, people, pledge, casework, plans, notifications, quality, funding,
                    records
                    (side by side: a feature never imports another feature)
    pages           the public pages
    app             the factory (portal/__init__.py), wiring.py, templating.py, demo.py,
                    bench_data.py, assets.py

The test reads the source with `ast`, so it sees every import, including those inside functions.
Imports under `if TYPE_CHECKING:` are for type annotations only and are not counted: they run
no code and make no dependency at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parent.parent / "portal"

LAYERS: list[tuple[str, set[str]]] = [
    (
        "shared ground",
        {
            "access",
            "audit",
            "audit_anchor",
            "clock",
            "config",
            "contacts",
            "converters",
            "dates",
            "errors",
            "extensions",
            "forms",
            "mail",
            "pathway",
            "refusals",
            "rendering",
            "security",
            "sqlstats",
            "transactions",
        },
    ),
    ("accounts", {"accounts"}),
    ("content", {"content"}),
    ("cases", {"cases"}),
    (
        "features",
        {
            "documents",
            "people",
            "pledge",
            "casework",
            "plans",
            "notifications",
            "quality",
            "funding",
            "records",
        },
    ),
    ("pages", {"pages"}),
    ("app", {"__init__", "wiring", "templating", "demo", "bench_data", "assets"}),
]
SIBLINGS_MAY_IMPORT_EACH_OTHER = {"shared ground", "app"}
RANK = {unit: rank for rank, (_, units) in enumerate(LAYERS) for unit in units}
LAYER_NAME = {unit: name for name, units in LAYERS for unit in units}


def _unit(module: str) -> str:
    """The package (or top-level module) a dotted `portal.…` name belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    relative = path.relative_to(PORTAL.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1 and parts[:-1] != ["portal"]:
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
    )


def _imports(tree: ast.AST, package: str) -> list[tuple[int, str]]:
    """(line, imported portal module) for every import outside `if TYPE_CHECKING:` blocks."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if _is_type_checking_block(node):
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names if a.name.startswith("portal"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                if node.module is None:
                    found.extend((node.lineno, ".".join([*base, a.name])) for a in node.names)
                    module = ""
                else:
                    module = ".".join([*base, node.module])
            else:
                module = node.module or ""
            if module == "portal":
                # `from portal import audit`: each name is a module of its own.
                found.extend((node.lineno, f"portal.{a.name}") for a in node.names)
            elif module.startswith("portal."):
                found.append((node.lineno, module))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _all_imports() -> list[tuple[str, int, str]]:
    """(importing file, line, imported module) across portal/."""
    rows = []
    for path in sorted(PORTAL.rglob("*.py")):
        module = _module_name(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, imported in _imports(tree, package):
            rows.append((str(path.relative_to(PORTAL.parent)), line, imported))
    return rows


def test_every_package_and_module_has_a_layer():
    """A new package must be placed in the order before it can land."""
    units = {_unit(_module_name(path)) for path in PORTAL.rglob("*.py")}
    assert units - set(RANK) == set()


def test_imports_only_point_down_the_layers():
    """No package imports one above it, and features do not import each other."""
    wrong = []
    for path, line, imported in _all_imports():
        here = _unit(_module_name(PORTAL.parent / path))
        there = _unit(imported)
        if here == there:
            continue
        sideways = (
            RANK[there] == RANK[here] and LAYER_NAME[here] not in SIBLINGS_MAY_IMPORT_EACH_OTHER
        )
        if RANK[there] > RANK[here] or sideways:
            wrong.append(
                f"{path}:{line} imports {imported} ({LAYER_NAME[here]} -> {LAYER_NAME[there]})"
            )
    assert wrong == []


def test_shared_ground_has_no_cycles():
    """The shared modules may use each other, but never in a circle."""
    shared = LAYERS[0][1]
    edges: dict[str, set[str]] = {unit: set() for unit in shared}
    for path, _, imported in _all_imports():
        here, there = _unit(_module_name(PORTAL.parent / path)), _unit(imported)
        if here in shared and there in shared and here != there:
            edges[here].add(there)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in edges[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert [unit for unit in sorted(shared) if reaches(unit, unit, set())] == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from portal.cases.models import Case", ["portal.cases.models"]),
        ("from portal import audit, clock", ["portal.audit", "portal.clock"]),
        ("def f():\n    from portal.pages import bp", ["portal.pages"]),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from portal.cases import x", []),
        ("from . import models", ["portal.people.models"]),
        ("from .models import Case", ["portal.people.models"]),
    ],
)
def test_the_import_reader_sees_every_kind_of_import(source, expected):
    """The checker itself: function-level and relative imports count; type-only ones do not."""
    assert [module for _, module in _imports(ast.parse(source), "portal.people")] == expected
