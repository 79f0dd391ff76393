"""``compute(..., unit_rows=False)``: the same figures, without the per-unit rows."""
import datetime

import pytest

from tests.reporting.conftest import person
from tracker.org.models import Role, Unit
from tracker.targets import progress
from tracker.targets.models import Target
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db
FIELDS = ["result", "percent", "expected", "status", "forecast", "allocated", "baseline", "unverified",
          "unverified_units", "band_counts", "last_entered_at", "last_period"]


@pytest.mark.parametrize("day", [datetime.date(2024, 6, 7), datetime.date(2024, 9, 30), datetime.date(2023, 10, 15)])
def test_the_figures_are_the_same_without_unit_rows(day):
    targets = list(Target.objects.for_pages().filter(fiscal_year=2567))
    full = progress.compute(targets, day, monthly=False)
    lean = progress.compute(targets, day, monthly=False, unit_rows=False)
    assert full.keys() == lean.keys()
    assert any(f.units for f in full.values()) and not any(f.units for f in lean.values())
    for pk, figure in full.items():
        assert [getattr(figure, name) for name in FIELDS] == [getattr(lean[pk], name) for name in FIELDS], figure.target.code
        assert [c.target.pk for c in figure.children] == [c.target.pk for c in lean[pk].children]


def test_unverified_parts_are_the_same_without_unit_rows(clock, reopened_months):
    clock(2024, 6, 20, 9)
    reporter = person("reporter-1001", ("1001", Role.REPORTER))
    for code in ("ENV-TREES", "ENV-TREES-PERENNIAL"):
        record_result(target=Target.objects.get(code=code), unit=Unit.objects.get(code="1001"),
                      period=datetime.date(2024, 6, 1), value=10, by=reporter, state="submitted")
    targets = list(Target.objects.for_pages().filter(fiscal_year=2567))
    full = progress.compute(targets, datetime.date(2024, 6, 20))
    lean = progress.compute(targets, datetime.date(2024, 6, 20), unit_rows=False)
    trees = Target.objects.get(code="ENV-TREES").pk
    assert full[trees].unverified == 10 and full[trees].unverified_units == 1
    for pk, figure in full.items():
        assert [getattr(figure, name) for name in FIELDS] == [getattr(lean[pk], name) for name in FIELDS], figure.target.code
