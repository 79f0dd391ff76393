"""How figures and dates are written: separators, rounding half-up, signs, BE dates in each language."""
import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import translation

from tracker.lib import formatting


@pytest.mark.parametrize(("value", "decimals", "shown"), [
    (218910, 0, "218,910"), (Decimal("5235.000"), 0, "5,235"), (Decimal("2.5"), 0, "3"), (Decimal("57.055"), 2, "57.06"),
    (Decimal("-1.25"), 1, "-1.3"), (None, 0, "–"), ("", 2, "–"), ("7", "2", "7.00"),
])
def test_num_separates_thousands_and_rounds_half_up(value, decimals, shown):
    assert formatting.num(value, decimals) == shown


def test_pct_signed_and_absolute():
    assert formatting.pct(Decimal("57.0512")) == "57.05%" and formatting.pct(None) == "–"
    assert [formatting.signed(v, 2) for v in (Decimal("3.254"), Decimal("-1.25"), Decimal(0), None)] == ["+3.25", "\u22121.25", "±0.00", "–"]
    assert formatting.absolute(Decimal("-3")) == 3 and formatting.absolute(None) is None


def test_thresholds_drop_decimals_only_when_whole():
    assert [formatting.threshold(Decimal(v)) for v in ("50.000", "12.5", "87.25")] == ["50", "12.50", "87.25"]


@pytest.mark.parametrize(("language", "date", "slash", "moment", "month", "year"), [
    ("th", "7 มิ.ย. 2567", "7/6/2567", "25 พ.ย. 2569 19:40", "มิ.ย. 2567", "ปีงบประมาณ พ.ศ. 2567"),
    ("en", "7 Jun 2024", "7/6/2024", "25 Nov 2026 19:40", "Jun 2024", "FY 2567 BE"),
])
def test_dates_in_each_language(language, date, slash, moment, month, year):
    day = datetime.date(2024, 6, 7)
    with translation.override(language):
        assert formatting.thaidate(day) == date and formatting.slashdate(day) == slash
        assert formatting.thaidatetime(datetime.datetime(2026, 11, 25, 12, 40, tzinfo=datetime.UTC)) == moment  # Bangkok time
        assert formatting.thaidate(datetime.datetime(2024, 6, 7, 23, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Bangkok"))) == date
        assert formatting.thaimonth(day) == month and formatting.fiscal_year_label(2567) == year
    assert formatting.thaidate(None) == formatting.slashdate(None) == formatting.thaidatetime(None) == ""
