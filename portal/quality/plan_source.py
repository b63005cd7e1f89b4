"""How this package reads plans without importing the plans package: `portal.wiring` hands it
an object with the functions below at start-up (`portal.plans.quality_source`)."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from flask import Flask, current_app

_EXTENSION = "portal.quality.plan_source"


class PlanSource(Protocol):
    def issued_plans(self, starts_on: date, ends_on: date, team_id: int | None) -> list[Any]:
        """Issued plan versions in the range, each with version_id, case_id, case_officer_id,
        reference, issued_on, date_of_birth, primary_need, setting_type and writer_ids."""

    def latest_issued(self, case_id: int) -> Any | None:
        """The same facts for the case's latest issued version."""

    def read_section(self, version_id: int, letter: str) -> Any | None:
        """One section as the plan prints it: letter, heading, html and the checker's hints."""


def install_plan_source(app: Flask, source: Any) -> None:
    app.extensions[_EXTENSION] = source


def plan_source() -> PlanSource:
    return current_app.extensions[_EXTENSION]
