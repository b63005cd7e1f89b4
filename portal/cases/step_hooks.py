"""What feature packages do when the council takes a statutory step.

The council's steps (`portal.casework`) call `after_step(...)` inside their own transaction; the
functions `portal.wiring.STEP_HOOKS` lists for that step run then (the plan package freezes a
version of the plan when the draft is sent or the final plan issued). A hook may raise
`Refused`: the whole step is then undone, and the officer reads the reason on the step's form.

Features never import each other; this list, installed by `create_app`, is how they meet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from flask import Flask, current_app

#: The steps other packages may follow.
DRAFT_SENT = "draft_sent"
FINAL_ISSUED = "final_issued"
AMENDMENTS_SENT = "amendments_sent"
AMENDED_PLAN_ISSUED = "amended_plan_issued"
#: After a review, the council decided to keep the plan or to amend it (not to end it).
REVIEW_DECIDED = "review_decided"

StepHook = Callable[[Any, Any, date], None]
_EXTENSION = "portal.step_hooks"


def install_step_hooks(app: Flask, hooks: Mapping[str, Sequence[StepHook]]) -> None:
    """Give the app the functions to run after each step (`portal.wiring.STEP_HOOKS`)."""
    app.extensions[_EXTENSION] = {name: tuple(funcs) for name, funcs in hooks.items()}


def after_step(name: str, actor: Any, case: Any, day: date) -> None:
    """Run every hook for step `name` (taken by `actor` on `case`, dated `day`)."""
    for hook in current_app.extensions.get(_EXTENSION, {}).get(name, ()):
        hook(actor, case, day)
