"""Standings: kept by PostgreSQL's triggers equal to a count of the results, whichever way the
results were written, and the figures read from them equal to the figures counted from the results."""
import datetime
import importlib
import threading
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from tests.reporting.conftest import person
from tracker.org.models import Role, Unit
from tracker.targets import progress
from tracker.targets.models import Result, Standing, Target
from tracker.targets.recording import delete_result, record_result, record_results

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the standings are kept by PostgreSQL's triggers"),
]
COUNTED = {Result.State.SUBMITTED, Result.State.VERIFIED}
COLUMNS = ["total", "unverified", "first_value", "latest_value", "latest_state", "last_period", "last_entered",
           "any_last_period", "any_last_entered", "any_last_updated"]
MIGRATION = importlib.import_module("tracker.targets.migrations.0010_standings")


def recount():
    """{(target, unit): the standing's columns}, counted in Python from every result."""
    by_pair = defaultdict(list)
    for result in Result.objects.order_by("period"):
        by_pair[result.target_id, result.unit_id].append(result)
    counted_pairs = {}
    for pair, results in by_pair.items():
        counted = [r for r in results if r.state in COUNTED]
        submitted = [r.value for r in counted if r.state == Result.State.SUBMITTED]
        counted_pairs[pair] = (
            sum((r.value for r in counted), Decimal(0)) if counted else None,
            sum(submitted, Decimal(0)) if submitted else None,
            counted[0].value if counted else None,
            counted[-1].value if counted else None,
            counted[-1].state if counted else None,
            counted[-1].period if counted else None,
            max((r.entered_at for r in counted), default=None),
            results[-1].period, max(r.entered_at for r in results), max(r.updated_at for r in results),
        )
    return counted_pairs


def standings():
    return {(s[0], s[1]): tuple(s[2:]) for s in Standing.objects.values_list("target", "unit", *COLUMNS)}


def assert_standings_are_a_recount():
    assert standings() == recount()


@pytest.fixture
def reporter():
    return person("standings-reporter", ("1001", Role.REPORTER))


@pytest.fixture
def verifier():
    return person("standings-verifier", ("ENV", Role.VERIFIER))


def test_the_loaded_demo_results_stand_as_counted():
    assert Standing.objects.count() == Result.objects.values("target", "unit").distinct().count() > 0
    assert_standings_are_a_recount()


def test_every_way_of_writing_results_keeps_them(trees, phra_nakhon, reporter, verifier, clock, reopened_months):
    clock(2024, 6, 20, 9)
    june = datetime.date(2024, 6, 1)
    result = record_result(target=trees, unit=phra_nakhon, period=june, value=10, by=reporter)  # new
    assert_standings_are_a_recount()
    record_result(target=trees, unit=phra_nakhon, period=june, value=12, by=reporter)  # changed
    assert_standings_are_a_recount()
    record_result(target=trees, unit=phra_nakhon, period=june, value=12, by=verifier, state="verified")
    assert_standings_are_a_recount()
    record_result(target=trees, unit=phra_nakhon, period=june, value=12, by=verifier, state="returned", comment="ตรวจ")
    assert_standings_are_a_recount()
    record_result(target=trees, unit=phra_nakhon, period=june, value=12, by=reporter, state="draft")
    assert_standings_are_a_recount()
    delete_result(result, by=reporter)
    assert_standings_are_a_recount()
    # In bulk: new rows and changed ones in one call.
    rows = [
        {"target": trees, "unit": Unit.objects.get(code=code), "period": june, "value": Decimal(5), "note": ""}
        for code in ("1001", "1002", "1003")
    ]
    record_results(rows, by=None)
    assert_standings_are_a_recount()
    record_results([{**row, "value": Decimal(7), "state": "verified"} for row in rows], by=None)  # the system only
    assert_standings_are_a_recount()
    # Around the recording functions: the triggers see every statement.
    Result.objects.filter(target=trees, unit__code="1002").update(value=Decimal(1))
    assert_standings_are_a_recount()
    Result.objects.bulk_create([Result(
        target=trees, unit=Unit.objects.get(code="1050"), period=datetime.date(2024, 7, 1), value=Decimal(3),
        state="submitted", entered_at=timezone.now(), updated_at=timezone.now(),
    )])
    assert_standings_are_a_recount()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM targets_resultrevision WHERE result_id IN (SELECT id FROM targets_result WHERE unit_id = %s)",
                       [phra_nakhon.pk])
        cursor.execute("DELETE FROM targets_result WHERE unit_id = %s", [phra_nakhon.pk])
    assert not Standing.objects.filter(unit=phra_nakhon).exists()
    assert_standings_are_a_recount()


def test_truncating_the_results_empties_them():
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE targets_result CASCADE")
    assert not Standing.objects.exists()


def test_the_migration_fills_them_from_the_results_already_there():
    expected = recount()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM targets_standing")
        cursor.execute(MIGRATION.CREATE[-1])  # the last statement: the results already there
    assert standings() == expected


def test_they_stand_for_today_when_nothing_changed_after_it(trees, phra_nakhon, reporter, clock, reopened_months):
    latest_change = Result.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    day = timezone.localtime(latest_change).date() + datetime.timedelta(days=1)
    clock(day.year, day.month, day.day, 9)
    assert Standing.objects.stand_for(day)
    assert not Standing.objects.stand_for(day - datetime.timedelta(days=1))  # an earlier day counts the results
    result = record_result(target=trees, unit=phra_nakhon, period=day.replace(day=1), value=1, by=reporter)
    assert Standing.objects.stand_for(day)
    # A result changed after the day (a clock set wrong, a bulk write) or for a later month: not these.
    Result.objects.filter(pk=result.pk).update(updated_at=timezone.now() + datetime.timedelta(days=2))
    assert not Standing.objects.stand_for(day)
    Result.objects.filter(pk=result.pk).update(updated_at=timezone.now(), period=datetime.date(day.year + 1, 1, 1))
    assert not Standing.objects.stand_for(day)


def counted_from_results(monkeypatch):
    monkeypatch.setattr(progress, "_unit_sources", lambda day: ((progress.PER_UNIT, {"day": day}), (progress.LEVELS, {"day": day})))


FIELDS = ["result", "percent", "expected", "status", "forecast", "allocated", "baseline", "unverified",
          "unverified_units", "band_counts", "last_entered_at", "last_period"]


def figures(targets, day, **options):
    return {pk: [getattr(f, name) for name in FIELDS] + [[(u.unit.pk, u.result, u.unverified, u.band, u.last_period,
                                                            u.latest_verified) for u in f.units]]
            for pk, f in progress.compute(targets, day, **options).items()}


@pytest.mark.parametrize("unit_rows", [True, False])
def test_the_figures_from_the_standings_are_those_counted_from_the_results(monkeypatch, unit_rows):
    targets = list(Target.objects.for_pages())
    today = timezone.localdate()
    assert Standing.objects.stand_for(today)
    chosen, choose = [], progress._unit_sources
    monkeypatch.setattr(progress, "_unit_sources", lambda day: chosen.append(choose(day)) or chosen[-1])
    from_standings = figures(targets, today, unit_rows=unit_rows, monthly=False)
    assert [(totals, levels) for (totals, _), (levels, _) in chosen] == [(progress.STANDING_TOTALS, progress.STANDING_LEVELS)]
    counted_from_results(monkeypatch)
    assert figures(targets, today, unit_rows=unit_rows, monthly=False) == from_standings


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_unit_both_count(reporter):
    """The second writer waits for the first to commit, then sums its result too."""
    trees, unit = Target.objects.get(code="ENV-TREES"), Unit.objects.get(code="1001")
    first_written, second_started = threading.Event(), threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                Result.objects.bulk_create([Result(target=trees, unit=unit, period=datetime.date(2024, 8, 1), value=Decimal(100),
                                                   state="submitted", entered_at=timezone.now(), updated_at=timezone.now())])
                first_written.set()
                second_started.wait(5)
                threading.Event().wait(0.5)  # the second is now waiting on the standing's lock
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    def second():
        try:
            first_written.wait(5)
            second_started.set()
            with transaction.atomic():
                Result.objects.bulk_create([Result(target=trees, unit=unit, period=datetime.date(2024, 9, 1), value=Decimal(1000),
                                                   state="submitted", entered_at=timezone.now(), updated_at=timezone.now())])
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors
    assert_standings_are_a_recount()
    standing = Standing.objects.get(target=trees, unit=unit)
    assert standing.last_period == datetime.date(2024, 9, 1) and standing.unverified >= Decimal(1100)
