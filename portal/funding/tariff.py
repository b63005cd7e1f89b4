"""The council's stored tariff and budget, one financial year at a time.

A funding officer sets, for each financial year (April to March), the annual top-up for each band
(1 to 6) and setting type, and the high-needs top-up budget the committed spend is measured
against. They can start a year by copying the year before with an uplift. Every change is on the
audit trail with the figures before and after.

Money pages price bands from the stored tariff of the year they show. A year with no stored
tariff has no prices: the pages say so rather than guess. The demo stores a made-up tariff and
marks it `illustrative`, and every page that shows it says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from portal import audit
from portal.accounts.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.funding.money import (
    BANDS,
    FinancialYear,
    SettingType,
    Tariff,
    illustrative_tariff,
    pounds,
    uplifted,
)
from portal.refusals import Refused

#: The largest annual top-up and budget the forms accept (a typing slip guard, not policy).
MAX_TOP_UP_PENCE = 100_000_000  # £1,000,000
MAX_BUDGET_PENCE = 1_000_000_000_000  # £10,000,000,000
#: Financial years the portal accepts in URLs and forms.
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: The largest uplift (or cut) a copy may apply, in per cent.
MAX_UPLIFT = Decimal(50)


class TariffYear(db.Model):
    """A financial year the council has set figures for: its budget, and who last changed it."""

    __tablename__ = "tariff_year"

    start_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: The high-needs top-up budget for the year, in pence; None until the council enters it.
    budget_pence: Mapped[int | None] = mapped_column(BigInteger)
    #: Made-up figures for the demonstration, not a council's: shown with a warning.
    illustrative: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class TariffRate(db.Model):
    """The annual top-up for one band in one setting type in one financial year, in pence."""

    __tablename__ = "tariff_rate"
    __table_args__ = (
        CheckConstraint("band BETWEEN 1 AND 6", name="band_range"),
        CheckConstraint("annual_top_up_pence >= 0", name="not_negative"),
    )

    start_year: Mapped[int] = mapped_column(
        ForeignKey("tariff_year.start_year"), primary_key=True, autoincrement=False
    )
    band: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    setting_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    annual_top_up_pence: Mapped[int] = mapped_column(BigInteger)


@dataclass(frozen=True)
class StoredYear:
    """What the council has set for a financial year (or nothing, when `tariff` is None)."""

    year: FinancialYear
    tariff: Tariff | None
    budget_pence: int | None
    illustrative: bool

    @property
    def is_set(self) -> bool:
        return self.tariff is not None


def load_years(years: Iterable[FinancialYear]) -> dict[FinancialYear, StoredYear]:
    """The stored tariff and budget of each year asked for: two queries, whatever the years."""
    wanted = sorted(set(years))
    starts = [year.start_year for year in wanted]
    heads = {
        row.start_year: row
        for row in db.session.scalars(select(TariffYear).where(TariffYear.start_year.in_(starts)))
    }
    rates: dict[int, dict[tuple[int, SettingType], int]] = {}
    for start_year, band, setting, amount in db.session.execute(
        select(
            TariffRate.start_year,
            TariffRate.band,
            TariffRate.setting_type,
            TariffRate.annual_top_up_pence,
        ).where(TariffRate.start_year.in_(starts))
    ):
        rates.setdefault(start_year, {})[(band, SettingType(setting))] = amount
    result = {}
    for year in wanted:
        head = heads.get(year.start_year)
        top_ups = rates.get(year.start_year, {})
        complete = len(top_ups) == len(BANDS) * len(SettingType)
        result[year] = StoredYear(
            year=year,
            tariff=Tariff(year=year, top_ups=top_ups) if head and complete else None,
            budget_pence=head.budget_pence if head else None,
            illustrative=bool(head and head.illustrative),
        )
    return result


def load_year(year: FinancialYear) -> StoredYear:
    return load_years([year])[year]


def check_year(start_year: int) -> FinancialYear:
    """The financial year named in a URL, or Refused when it is out of the portal's range."""
    if not FIRST_YEAR <= start_year <= LAST_YEAR:
        raise Refused(f"The portal keeps tariffs for {FIRST_YEAR} to {LAST_YEAR}.")
    return FinancialYear(start_year)


def _save(
    by: User | None,
    year: FinancialYear,
    top_ups: Mapping[tuple[int, SettingType], int],
    budget_pence: int | None,
    *,
    illustrative: bool,
    action: str,
    **detail: Any,
) -> TariffYear:
    expected = {(band, setting) for band in BANDS for setting in SettingType}
    if set(top_ups) != expected:
        raise Refused("Enter the annual top-up for every band and type of setting.")
    for (band, setting), amount in top_ups.items():
        if not 0 <= amount <= MAX_TOP_UP_PENCE:
            raise Refused(
                f"The top-up for band {band} in a {setting.label.lower()} must be between "
                f"£0 and {pounds(MAX_TOP_UP_PENCE)}.",
                field_name(band, setting),
            )
    if budget_pence is not None and not 0 <= budget_pence <= MAX_BUDGET_PENCE:
        raise Refused(f"The budget must be between £0 and {pounds(MAX_BUDGET_PENCE)}.", "budget")
    before = load_year(year)
    head = db.session.get(TariffYear, year.start_year)
    if head is None:
        head = TariffYear(start_year=year.start_year)
        db.session.add(head)
    head.budget_pence = budget_pence
    head.illustrative = illustrative
    head.updated_at = utcnow()
    head.updated_by_id = by.id if by is not None else None
    db.session.flush()
    existing = {
        (row.band, SettingType(row.setting_type)): row
        for row in db.session.scalars(
            select(TariffRate).where(TariffRate.start_year == year.start_year)
        )
    }
    changes = {}
    for key, amount in sorted(top_ups.items(), key=lambda item: (item[0][1].value, item[0][0])):
        band, setting = key
        row = existing.get(key)
        old = row.annual_top_up_pence if row is not None else None
        if row is None:
            db.session.add(
                TariffRate(
                    start_year=year.start_year,
                    band=band,
                    setting_type=setting.value,
                    annual_top_up_pence=amount,
                )
            )
        else:
            row.annual_top_up_pence = amount
        if old != amount:
            changes[f"{setting.value} band {band}"] = [old, amount]
    if before.budget_pence != budget_pence:
        changes["budget"] = [before.budget_pence, budget_pence]
    if before.illustrative != illustrative:
        changes["illustrative"] = [before.illustrative, illustrative]
    audit.record(
        action,
        actor=by,
        subject=head,
        summary=f"Tariff and budget for {year.label}",
        year=year.start_year,
        changes=changes,
        **detail,
    )
    db.session.flush()
    return head


def save_year(
    by: User,
    year: FinancialYear,
    top_ups: Mapping[tuple[int, SettingType], int],
    budget_pence: int | None,
    *,
    illustrative: bool = False,
) -> TariffYear:
    """A funding officer sets a year's 24 annual top-ups (pence) and its budget (pence or None),
    and says whether the figures are illustrative (made up, as the demo's are) or the council's.

    Records `funding.tariff_saved` with each figure that changed (before, after) on the audit
    trail.
    """
    return _save(
        by, year, top_ups, budget_pence, illustrative=illustrative, action="funding.tariff_saved"
    )


def copy_previous_year(by: User, year: FinancialYear, uplift_percent: Decimal) -> TariffYear:
    """Set `year`'s tariff to the year before's, each top-up raised by `uplift_percent` and
    rounded to the penny. The budget is left as it was (it is a separate decision). A copy of
    an illustrative tariff stays illustrative. Records `funding.tariff_copied`."""
    if not -MAX_UPLIFT <= uplift_percent <= MAX_UPLIFT:
        raise Refused(f"The uplift must be between -{MAX_UPLIFT}% and {MAX_UPLIFT}%.", "uplift")
    previous_year = FinancialYear(year.start_year - 1)
    stored = load_years([previous_year, year])
    previous = stored[previous_year]
    if previous.tariff is None:
        raise Refused(f"There is no tariff for {previous_year.label} to copy.")
    top_ups = {
        key: uplifted(amount, uplift_percent) for key, amount in previous.tariff.top_ups.items()
    }
    return _save(
        by,
        year,
        top_ups,
        stored[year].budget_pence,
        illustrative=previous.illustrative,
        action="funding.tariff_copied",
        copied_from=previous_year.start_year,
        uplift_percent=str(uplift_percent),
    )


def field_name(band: int, setting: SettingType) -> str:
    """The form field for one figure of the tariff (shared by the form and the refusals)."""
    return f"top_up_{setting.value}_{band}"


#: The demonstration budget for the current year: made up, like the demo tariff.
DEMO_BUDGET_PENCE = 6_000_000  # £60,000


def load_demo_tariffs(this_year: FinancialYear) -> None:
    """The demo's tariff for this and next financial year: made-up figures, marked illustrative
    (no real council's figures are published for these bands), with a made-up budget."""
    for year, budget in ((this_year, DEMO_BUDGET_PENCE), (this_year.next(), None)):
        tariff = illustrative_tariff(year, base_year=this_year.start_year)
        _save(
            None,
            year,
            tariff.top_ups,
            budget,
            illustrative=True,
            action="funding.tariff_loaded",
        )
