"""Fixtures for the funding tests: a stored tariff for this financial year."""

from __future__ import annotations

import pytest

from portal import clock
from portal.extensions import db
from portal.funding.money import FinancialYear, illustrative_tariff
from portal.funding.tariff import TariffRate, TariffYear


@pytest.fixture
def stored_tariff(app):
    """The council has set this financial year's tariff (the illustrative amounts) and no budget."""
    year = FinancialYear.containing(clock.today())
    tariff = illustrative_tariff(year, base_year=year.start_year)
    db.session.add(TariffYear(start_year=year.start_year, illustrative=False))
    db.session.flush()
    for (band, setting), amount in tariff.top_ups.items():
        db.session.add(
            TariffRate(
                start_year=year.start_year,
                band=band,
                setting_type=setting.value,
                annual_top_up_pence=amount,
            )
        )
    db.session.flush()
    return tariff
