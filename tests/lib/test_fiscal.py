"""Fiscal-year and Buddhist-Era helpers at month and year boundaries."""
import datetime

import pytest

from tracker.lib import fiscal

D = datetime.date


@pytest.mark.parametrize(
    "day, year",
    [
        (D(2023, 9, 30), 2566),
        (D(2023, 10, 1), 2567),
        (D(2023, 12, 31), 2567),
        (D(2024, 1, 1), 2567),
        (D(2024, 9, 30), 2567),
        (D(2024, 10, 1), 2568),
    ],
)
def test_fiscal_year_turns_on_1_october(day, year):
    assert fiscal.fiscal_year(day) == year


def test_fiscal_year_bounds_of_2567():
    assert fiscal.fiscal_year_bounds(2567) == (D(2023, 10, 1), D(2024, 9, 30))


def test_fiscal_months_run_october_to_september():
    months = fiscal.fiscal_months(2567)
    assert len(months) == 12
    assert months[0] == D(2023, 10, 1) and months[-1] == D(2024, 9, 1)


@pytest.mark.parametrize(
    "day, quarter",
    [(D(2023, 10, 1), 1), (D(2023, 12, 31), 1), (D(2024, 1, 1), 2), (D(2024, 6, 30), 3), (D(2024, 9, 30), 4)],
)
def test_quarter_one_is_october_to_december(day, quarter):
    assert fiscal.fiscal_quarter(day) == quarter


def test_be_is_ce_plus_543():
    assert fiscal.to_be(2024) == 2567
    assert fiscal.to_ce(2567) == 2024


def test_add_months_crosses_year_ends():
    assert fiscal.add_months(D(2023, 12, 15), 1) == D(2024, 1, 1)
    assert fiscal.add_months(D(2024, 1, 1), -1) == D(2023, 12, 1)
    assert fiscal.month_end(D(2024, 2, 10)) == D(2024, 2, 29)


def test_months_between_is_inclusive():
    assert fiscal.months_between(D(2023, 11, 30), D(2024, 1, 1)) == [D(2023, 11, 1), D(2023, 12, 1), D(2024, 1, 1)]


def test_dates_in_thai_use_be_and_thai_months():
    assert fiscal.format_date(D(2024, 6, 7), "th") == "7 มิ.ย. 2567"
    assert fiscal.format_month(D(2023, 10, 1), "th") == "ต.ค. 2566"


def test_dates_in_english_use_ce():
    assert fiscal.format_date(D(2024, 6, 7), "en") == "7 Jun 2024"
    assert fiscal.format_month_short(D(2024, 6, 1), "en") == "Jun 24"
