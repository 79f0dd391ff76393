"""The status rule against the straight-line trajectory, at its edges."""
import datetime
from decimal import Decimal

import pytest

from tracker.targets.rules import Band, Status, band_for, expected_percent, status_for

START, DEADLINE = datetime.date(2023, 10, 1), datetime.date(2024, 9, 30)  # 366 days
D = Decimal


def test_expected_is_zero_before_start_and_100_at_deadline():
    assert expected_percent(START, DEADLINE, datetime.date(2023, 9, 30)) == 0
    assert expected_percent(START, DEADLINE, DEADLINE) == 100
    assert expected_percent(START, DEADLINE, datetime.date(2025, 1, 1)) == 100


def test_expected_grows_by_the_day():
    assert expected_percent(START, DEADLINE, START) == D(100) / 366
    assert expected_percent(START, DEADLINE, datetime.date(2024, 3, 31)) == D(183) * 100 / 366


@pytest.mark.parametrize(
    "percent, day, status",
    [
        (D(100), START, Status.ACHIEVED),
        (D("99.99"), DEADLINE, Status.AT_RISK),
        (D("74.99"), DEADLINE, Status.OFF_TRACK),
        (D(100), DEADLINE + datetime.timedelta(days=1), Status.ACHIEVED),
        (D("99.99"), DEADLINE + datetime.timedelta(days=1), Status.MISSED),
        (D(50), datetime.date(2024, 3, 31), Status.ON_TRACK),  # expected exactly 50 %
        (D("49.99"), datetime.date(2024, 3, 31), Status.AT_RISK),
        (D("37.5"), datetime.date(2024, 3, 31), Status.AT_RISK),  # 75 % of the line
        (D("37.49"), datetime.date(2024, 3, 31), Status.OFF_TRACK),
        (D(0), datetime.date(2023, 9, 1), Status.ON_TRACK),  # not started yet: nothing expected
        (None, datetime.date(2024, 3, 31), Status.OFF_TRACK),
    ],
)
def test_status_edges(percent, day, status):
    assert status_for(percent, START, DEADLINE, day) == status


@pytest.mark.parametrize(
    "percent, band",
    [(D(100), Band.HIGH), (D("99.99"), Band.MIDDLE), (D(50), Band.MIDDLE), (D("49.99"), Band.LOW), (None, Band.NONE)],
)
def test_band_edges_at_100_and_50(percent, band):
    assert band_for(percent, D(50), D(100)) == band


def test_band_edges_differ_by_target():
    assert band_for(D(25), D(25), D(100)) == Band.MIDDLE
    assert band_for(D("24.99"), D(25), D(100)) == Band.LOW
