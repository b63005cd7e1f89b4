"""A version of the plan as a PDF: A4, every section labelled, "Page N of M", made by WeasyPrint
(with Debian's Pango) from the same section templates the plan page uses.

Only versions that have left the council (a draft sent to the family, an issued plan) are made:
they are frozen, so the same version always gives the same words. The PDF is made when asked
for (0.3 s for the demo's 4-page plan, 1.3 s for 12 pages on the 2-core development machine:
`scripts/measure_plan_pdf.py`) rather than stored, so a change to the layout reaches every
version; each download is on the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template

from portal import audit, clock
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.plans import services
from portal.plans.models import PlanVersion, Section


@dataclass(frozen=True)
class PlanPdf:
    filename: str
    content: bytes


def filename_for(version: PlanVersion) -> str:
    """ "EHC-2026-0001-final-plan.pdf": the case number and the version, never the child's name
    (file names travel: into download folders, email attachments and logs)."""
    label = "".join(c if c.isalnum() else "-" for c in version.label.lower()).strip("-")
    while "--" in label:
        label = label.replace("--", "-")
    return f"{version.plan.case.reference}-{label}.pdf"


def render_html(version: PlanVersion) -> str:
    return render_template(
        "plans/print.html",
        case=version.plan.case,
        version=version,
        plan=services.contents(version),
        sections=list(Section),
        council_name=current_app.config["COUNCIL_NAME"],
        made_on=clock.today(),
    )


def make_pdf(user: Any, version: PlanVersion) -> PlanPdf:
    """The PDF of a frozen version, for someone who may read it; the download is recorded.

    Raises `ValueError` for the council's working copy: it has no PDF until it is sent.
    """
    if not version.is_frozen:
        raise ValueError("a working copy has no PDF")
    services.require_read(user, version)
    # Imported here: WeasyPrint loads Pango when imported, which the web pages never need.
    import weasyprint

    html = render_html(version)
    content = weasyprint.HTML(string=html, base_url=str(PROJECT_ROOT)).write_pdf(
        pdf_variant="pdf/ua-1"  # tagged, so screen readers can follow the headings and lists
    )
    audit.record_read(
        "plan.downloaded",
        actor=user,
        case=version.plan.case,
        subject=version,
        version=version.label,
        format="pdf",
    )
    db.session.commit()
    return PlanPdf(filename_for(version), content)
