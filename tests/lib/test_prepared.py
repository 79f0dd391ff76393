"""Prepared queries: the kept SQL and parameters are what a fresh build gives, for any values; a
query whose SQL depends on its values is refused rather than run with the wrong ones."""
import datetime

import pytest
from django.db import connection, transaction
from django.db.models import DateField
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.dashboard import laggards, views
from tracker.lib import fiscal
from tracker.lib.expressions import among_values
from tracker.lib.prepared import CODE, COUNT, DAY, DAYS, ID, IDS, MOMENT, MONTH, NotPreparable, Prepared, _numbered
from tracker.meetings.models import LATEST_HELD
from tracker.org.models import Unit
from tracker.targets import progress
from tracker.targets.models import CHOSEN_REVISIONS, HISTORY_WINDOWS, TARGETS_THEN, Result, ResultRevision, Target
from tracker.targets.recording import record_target

pytestmark = pytest.mark.django_db

FIGURES = {
    "per unit": progress.PER_UNIT,
    "levels": progress.LEVELS,
    "monthly": progress.MONTHLY,
    "allocations": progress.ALLOCATIONS,
    "allocations then": progress.ALLOCATIONS_THEN,
    "laggards' months": laggards.MONTHS_REPORTED,
    "targets then": TARGETS_THEN,
}
if connection.vendor == "postgresql":  # the standings' table is PostgreSQL's only
    FIGURES.update({"standing totals": progress.STANDING_TOTALS, "standing levels": progress.STANDING_LEVELS})

days = st.dates(min_value=datetime.date(2023, 1, 1), max_value=datetime.date(2027, 12, 31))
ids = st.lists(st.integers(min_value=1, max_value=10**6), max_size=8)
VALUES = {
    DAY: days, ID: st.integers(min_value=1, max_value=10**6), IDS: ids,
    DAYS: st.lists(days.map(lambda d: d.replace(day=1)), max_size=4),
}
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="kept SQL is PostgreSQL's; elsewhere every run builds its own")


# The history's windows in the shapes the pages and the verification page use, and a few more.
HISTORY_SHAPES = [
    dict(by_target=True, by_unit=False, by_period=False, by_since=False, by_day=True, limited=True),
    dict(by_target=True, by_unit=True, by_period=False, by_since=False, by_day=True, limited=True),
    dict(by_target=True, by_unit=False, by_period=True, by_since=False, by_day=False, limited=False),
    dict(by_target=True, by_unit=False, by_period=False, by_since=True, by_day=False, limited=True),
    dict(by_target=False, by_unit=False, by_period=False, by_since=False, by_day=False, limited=False),
    dict(by_target=False, by_unit=True, by_period=True, by_since=True, by_day=True, limited=True),
]
# Model queries: (name, prepared, shape, the demo's values).
MODELS = [
    ("family", views.FAMILY, {}, {"code": "ENV-TREES"}),
    ("districts", views.DISTRICTS, {}, {}),
    ("chosen revisions", CHOSEN_REVISIONS, {}, {"ids": lambda: list(ResultRevision.objects.values_list("pk", flat=True)[:60])}),
    ("latest meeting", LATEST_HELD, {"by_host": False}, {"day": datetime.date(2024, 6, 7), "host": None}),
    ("latest meeting of a host", LATEST_HELD, {"by_host": True}, {"day": datetime.date(2024, 6, 7), "host": lambda: Unit.objects.get(code="ENV").pk}),
]
PREPARED = [(name, prepared, {}) for name, prepared in FIGURES.items()] + [
    (f"history {i}", HISTORY_WINDOWS, shape) for i, shape in enumerate(HISTORY_SHAPES)
] + [(name, prepared, shape) for name, prepared, shape, _values in MODELS]
VALUES.update({
    CODE: st.text(min_size=1, max_size=40),
    MONTH: days.map(lambda d: d.replace(day=1)), COUNT: st.integers(min_value=1, max_value=500),
    MOMENT: st.datetimes(min_value=datetime.datetime(2023, 1, 1), max_value=datetime.datetime(2027, 12, 31), timezones=st.just(datetime.timezone.utc)),
})


@on_postgresql
@pytest.mark.parametrize("name, prepared, shape", PREPARED, ids=[name for name, _p, _s in PREPARED])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_kept_sql_and_parameters_are_a_fresh_build(name, prepared, shape, data):
    values = {name: data.draw(VALUES[kind], label=name) for name, kind in prepared.kinds.items()}
    fresh = prepared.build(**shape, **values).query.get_compiler("default").as_sql()
    assert prepared.sql(**shape, **values) == (fresh[0], list(fresh[1]))


@pytest.mark.parametrize("name", FIGURES)
@pytest.mark.parametrize("day", [datetime.date(2024, 6, 7), datetime.date(2023, 12, 31), datetime.date(2024, 10, 1), None])
def test_rows_are_the_orm_rows(name, day):
    prepared = FIGURES[name]
    trees = Target.objects.get(code="ENV-TREES")
    # A change of the target gives it a history: a record as loaded, dated at its start, and this one.
    trees.target_value += 1
    record_target(trees, by=None)
    day = day or timezone.localdate()
    demo = {
        "day": day, "targets": list(Target.objects.values_list("pk", flat=True)), "target": trees.pk,
        "units": list(Unit.objects.values_list("pk", flat=True)), "months": fiscal.months_between(trees.start_date, day),
    }
    values = {name: demo[name] for name in prepared.kinds}
    rows = prepared.rows(**values)
    assert rows, "the demo data has rows for these days"
    assert sorted(rows) == sorted(prepared.build(**values))


def test_rows_with_no_target_are_none():
    assert progress.PER_UNIT.rows(day=datetime.date(2024, 6, 7), targets=[]) == []


def test_a_day_reaches_the_sql_as_itself_its_end_and_its_month():
    prepared = Prepared(lambda day: Result.objects.as_of(day).filter(period__lte=day).values_list("pk"), day=DAY)
    sql, params = prepared.sql(day=datetime.date(2024, 6, 7))
    if connection.vendor == "postgresql":
        assert datetime.date(2024, 6, 1) in params and datetime.date(2024, 6, 7) in params
        assert timezone.make_aware(datetime.datetime(2024, 6, 8)) in params


@on_postgresql
def test_sql_that_grows_with_its_values_is_refused():
    prepared = Prepared(lambda targets: Result.objects.filter(target__in=targets).values_list("pk"), targets=IDS)
    with pytest.raises(NotPreparable, match="changes with its values"):
        prepared.sql(targets=[1, 2])


@on_postgresql
def test_a_parameter_from_elsewhere_is_refused():
    # The clock is neither a constant nor one of the query's values: kept, it would be stale.
    prepared = Prepared(lambda unit: Result.objects.filter(unit=unit, entered_at__lt=timezone.now()).values_list("pk"), unit=ID)
    with pytest.raises(NotPreparable, match="neither a constant nor one of its values"):
        prepared.sql(unit=1)


@on_postgresql
def test_a_parameter_two_values_could_give_is_refused():
    prepared = Prepared(
        lambda a, b: Result.objects.filter(among_values("period", a, base=DateField()), among_values("period", b, base=DateField())).values_list("pk"),
        a=DAYS, b=DAYS,
    )
    with pytest.raises(NotPreparable, match="several values"):
        prepared.sql(a=[datetime.date(2024, 1, 1)], b=[datetime.date(2024, 2, 1)])


@pytest.mark.parametrize("targets", [[], ["ENV-TREES"], ["ENV-TREES", "ENV-PARKS", "ENV-WASTE"]])
def test_among_values_keeps_what_in_keeps(targets):
    pks = list(Target.objects.filter(code__in=targets).values_list("pk", flat=True))
    kept = Result.objects.filter(among_values("target", pks))
    assert set(kept) == set(Result.objects.filter(target__in=pks))
    if pks or connection.vendor == "postgresql":  # SQLite's IN () has no SQL at all
        assert ("= ANY(" in str(kept.query)) == (connection.vendor == "postgresql")


def _state(obj):
    """A model instance's fields and those of the objects it carries (select_related), to compare."""
    fields = {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    related = {name: _state(other) if other is not None else None for name, other in obj._state.fields_cache.items()}
    return fields, related


@pytest.mark.parametrize("name, prepared, shape, values", MODELS, ids=[m[0] for m in MODELS])
def test_objects_are_the_orms(name, prepared, shape, values):
    values = {key: value() if callable(value) else value for key, value in values.items()}
    made = prepared.objects(**shape, **values)
    expected = list(prepared.build(**shape, **values))
    assert made, "the demo data has rows"
    assert [type(o) for o in made] == [type(o) for o in expected]
    assert [_state(o) for o in made] == [_state(o) for o in expected]
    assert all(not o._state.adding and o._state.db == "default" for o in made)


# Server-side prepared statements (``tracker.lib.prepared.execute``).

def test_placeholders_are_numbered_as_postgresql_numbers_them():
    assert _numbered("a = %s AND b LIKE 'x%%' AND c = ANY(%s)") == "a = $1 AND b LIKE 'x%' AND c = ANY($2)"


DAY_SHOWN = datetime.date(2024, 6, 7)


def _prepared_on_the_server():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@on_postgresql
def test_a_statement_is_prepared_once_per_connection_and_outlives_a_rollback():
    targets = list(Target.objects.values_list("pk", flat=True))
    expected = sorted(progress.PER_UNIT.build(day=DAY_SHOWN, targets=targets))
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    connection._tracker_statements = (object(), set())  # as a new connection: nothing prepared yet
    with CaptureQueriesContext(connection) as first:
        assert sorted(progress.PER_UNIT.rows(day=DAY_SHOWN, targets=targets)) == expected
    # One query, the EXECUTE: the PREPARE before it is bookkeeping, not one of the page's queries.
    assert len(first) == 1 and first[0]["sql"].startswith("EXECUTE tracker_")
    name = first[0]["sql"].split()[1]
    assert name in _prepared_on_the_server() and name in connection._tracker_statements[1]
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        progress.PER_UNIT.rows(day=DAY_SHOWN, targets=targets)
        raise ZeroDivisionError
    # The savepoint rolled back; the statement stays prepared and runs with other values.
    assert name in _prepared_on_the_server()
    one = sorted(progress.PER_UNIT.build(day=DAY_SHOWN, targets=targets[:1]))
    with CaptureQueriesContext(connection) as again:
        assert sorted(progress.PER_UNIT.rows(day=DAY_SHOWN, targets=targets[:1])) == one
    assert [q["sql"].split()[:2] for q in again] == [["EXECUTE", name]]


@on_postgresql
def test_without_prepared_statements_the_plain_sql_runs():
    targets = list(Target.objects.values_list("pk", flat=True))
    with override_settings(DB_PREPARED_STATEMENTS=False), CaptureQueriesContext(connection) as plain:
        rows = progress.PER_UNIT.rows(day=DAY_SHOWN, targets=targets)
    assert sorted(rows) == sorted(progress.PER_UNIT.build(day=DAY_SHOWN, targets=targets))
    assert len(plain) == 1 and plain[0]["sql"].startswith("SELECT")
