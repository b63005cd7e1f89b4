"""What other packages do when someone adds a document to a case.

The documents package calls `after_document_added(...)` inside its own transaction, once per new
document, before it commits; the functions `portal.wiring.DOCUMENT_HOOKS` lists run then (the
council's casework records advice uploaded by the person asked for it as received). Features
never import each other: this list, installed by `create_app`, is how they meet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app


@dataclass(frozen=True)
class AddedDocument:
    """What a hook is told about a new document (its words, never its file)."""

    public_id: str
    title: str
    category: str  # the documents package's category value, e.g. "advice_educational"
    restriction: str  # a timeline visibility: "everyone", "professionals" or "council"


DocumentHook = Callable[[Any, Any, AddedDocument], None]
_EXTENSION = "portal.document_hooks"


def install_document_hooks(app: Flask, hooks: Sequence[DocumentHook]) -> None:
    """Give the app the functions to run when a document is added (`portal.wiring`)."""
    app.extensions[_EXTENSION] = tuple(hooks)


def after_document_added(actor: Any, case: Any, added: AddedDocument) -> None:
    """Run every hook for a document `actor` added to `case`."""
    for hook in current_app.extensions.get(_EXTENSION, ()):
        hook(actor, case, added)
