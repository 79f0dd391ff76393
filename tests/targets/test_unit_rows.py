"""``compute(..., unit_rows=False)``: the same figures, without the per-unit rows."""
import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import person
from tracker.org.models import Role, Unit
from tracker.targets import progress
from tracker.targets.models import Allocation, Result, Target
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


# Generated worlds: targets of both measures, shared out to districts or not, with allocations of
# every kind (none, zero, to units that may not report) and results in every state from units
# that may and may not report. The lean figures (summed by the database on PostgreSQL) must be
# those summed unit by unit.
UNITS = ["1001", "1002", "1003", "ENV", "SED"]
MONTHS = [datetime.date(2023, 10, 1), datetime.date(2023, 11, 1), datetime.date(2024, 1, 1), datetime.date(2024, 6, 1)]
AMOUNTS = st.sampled_from([Decimal(0), Decimal(1), Decimal("2.5"), Decimal(5), Decimal(10), Decimal(20), Decimal("33.333"), Decimal(100), Decimal(250)])
TARGETS = st.fixed_dictionaries({
    "level": st.booleans(),
    "carry": st.booleans(),
    "baseline": st.one_of(st.none(), AMOUNTS),
    "bands": st.sampled_from([(Decimal(50), Decimal(100)), (Decimal("33.33"), Decimal("66.67")), (Decimal(1), Decimal(80))]),
    "value": st.sampled_from([Decimal(1), Decimal(3), Decimal(100), Decimal("1234.5")]),
    "allocations": st.dictionaries(st.sampled_from(UNITS), AMOUNTS, max_size=5),
    "results": st.dictionaries(
        st.tuples(st.sampled_from(UNITS), st.sampled_from(MONTHS)),
        st.tuples(AMOUNTS, st.sampled_from(Result.State.values), st.integers(min_value=0, max_value=300)),
        max_size=14,
    ),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(worlds=st.lists(TARGETS, min_size=1, max_size=4),
       day=st.sampled_from([datetime.date(2024, 1, 20), datetime.date(2024, 6, 7), timezone.localdate()]))
@example(worlds=[  # on the thresholds exactly: 50 % and 100 % of an allocation, of a level target's value
    {"level": False, "carry": True, "baseline": None, "bands": (Decimal(50), Decimal(100)), "value": Decimal(100),
     "allocations": {"1001": Decimal(10), "1002": Decimal(20), "ENV": Decimal(5)},
     "results": {("1001", MONTHS[0]): (Decimal(5), "submitted", 0), ("1002", MONTHS[1]): (Decimal(20), "verified", 40),
                 ("ENV", MONTHS[0]): (Decimal(5), "verified", 0), ("1003", MONTHS[0]): (Decimal(1), "verified", 0)}},
    {"level": True, "carry": False, "baseline": None, "bands": (Decimal(50), Decimal(100)), "value": Decimal(10),
     "allocations": {"SED": Decimal(20)},
     "results": {("ENV", MONTHS[0]): (Decimal(5), "verified", 0), ("ENV", MONTHS[1]): (Decimal(10), "submitted", 40),
                 ("SED", MONTHS[1]): (Decimal(10), "verified", 40), ("1001", MONTHS[0]): (Decimal(1), "verified", 0)}},
], day=datetime.date(2024, 6, 7))
def test_generated_worlds_are_summed_the_same_without_unit_rows(worlds, day):
    units = {u.code: u for u in Unit.objects.filter(code__in=UNITS)}
    start = datetime.datetime(2023, 10, 1, 9, tzinfo=datetime.timezone.utc)
    with transaction.atomic():
        targets = []
        for index, world in enumerate(worlds):
            target = Target.objects.create(
                code=f"GEN-{index}", name_th="สร้างขึ้น", host=units["ENV"], unit_of_measure="items",
                measure="level" if world["level"] else "cumulative", target_value=world["value"],
                baseline=world["baseline"] if world["level"] and (world["baseline"] or 0) < world["value"] else None, band_low=world["bands"][0],
                band_high=world["bands"][1], districts_carry=world["carry"],
                start_date=datetime.date(2023, 10, 1), deadline=datetime.date(2024, 9, 30),
            )
            Allocation.objects.bulk_create(Allocation(target=target, unit=units[code], value=value)
                                           for code, value in world["allocations"].items())
            Result.objects.bulk_create(
                Result(target=target, unit=units[code], period=month, value=value, state=state,
                       entered_at=start + datetime.timedelta(days=days), updated_at=start + datetime.timedelta(days=days),
                       verified_at=start + datetime.timedelta(days=days) if state == Result.State.VERIFIED else None)
                for (code, month), (value, state, days) in world["results"].items()
            )
            targets.append(target)
        full = progress.compute(targets, day, monthly=False)
        lean = progress.compute(targets, day, monthly=False, unit_rows=False)
        for target in targets:
            assert [getattr(full[target.pk], name) for name in FIELDS] == [getattr(lean[target.pk], name) for name in FIELDS]
        transaction.set_rollback(True)
