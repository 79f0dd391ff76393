"""Queries whose SQL Django builds once per process: the figures' queries, which every page runs
with only their values changing.

Building the SQL of a query costs Django 0.3–2 ms — the figures' "as of" expressions (a CASE with
a subquery of revisions) are compiled again at every reference — and a target page ran a dozen:
a quarter of its time, as long as PostgreSQL took to run them. A :class:`Prepared` query is a
function that builds the queryset from its values; the first time it is run on PostgreSQL it is
built twice, with two different sets of marker values, and compiled; the two SQL texts must be
the same, and each parameter must either be the same constant in both or the same function (one of
its kind's ``derive``) of the same value's markers. The SQL and that map are kept; later runs only
put their own values through the map and execute. A query whose SQL depends on its values (an
``IN`` list that grows with it, a branch on a value) is refused at that first run, loudly, rather
than run with the wrong values; lists go in as one array parameter
(:func:`tracker.lib.expressions.among_values`).

On PostgreSQL the kept SQL also runs as a server-side prepared statement (:func:`execute`): prepared
once per database connection, so PostgreSQL neither parses nor plans it again (the target page's
ten queries spent 2 ms planning). Elsewhere (SQLite) the queryset is built and run through the ORM
every time. The tests compare the
kept SQL and parameters with a fresh build for many values (``tests/lib/test_prepared.py``).
"""
import datetime
import itertools
import re
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models.query import get_related_populators

from tracker.lib import fiscal


def _same(value):
    return value


@dataclass(frozen=True, eq=False)
class Kind:
    """A kind of value a prepared query takes: two markers (values no real query ever uses) and
    the functions of it that may reach the SQL as parameters."""

    markers: tuple
    derive: tuple = (_same,)


# A day ("as of"), which reaches the SQL as itself, as the end of that day, or as its month.
DAY = Kind(markers=(datetime.date(1900, 1, 17), datetime.date(1903, 5, 22)), derive=(_same, fiscal.end_of_day, fiscal.month_start))
# A code (of a target, a unit), a month (its first day), a moment, a primary key, a count; lists of primary keys or months
# (one array parameter each: ``among_values``).
CODE = Kind(markers=("MARKER-CODE-A", "MARKER-CODE-B"))
MONTH = Kind(markers=(datetime.date(1900, 3, 1), datetime.date(1903, 8, 1)))
MOMENT = Kind(markers=(
    datetime.datetime(1900, 1, 17, 5, 6, 7, tzinfo=datetime.timezone.utc),
    datetime.datetime(1903, 5, 22, 8, 9, 10, tzinfo=datetime.timezone.utc),
))
ID = Kind(markers=(-7001, -7002))
COUNT = Kind(markers=(-8001, -8002))
IDS = Kind(markers=([-101], [-202, -203]))
DAYS = Kind(markers=([datetime.date(1900, 2, 1)], [datetime.date(1903, 6, 1), datetime.date(1903, 7, 1)]))


_PLACEHOLDER = re.compile(r"%s|%%")
_names = itertools.count(1)


def _numbered(sql):
    """``sql`` with its ``%s`` placeholders numbered as PostgreSQL's ``$1, $2, …`` (and ``%%`` as ``%``)."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m.group() == "%s" else "%", sql)


def statement_name():
    """A name for a prepared statement, new in this process."""
    return f"tracker_{next(_names)}"


def execute(cursor, name, sql, params):
    """Run ``sql`` with ``params`` on ``cursor`` (Django's, on PostgreSQL) as the server-side prepared
    statement ``name``: prepared once per database connection (PostgreSQL then neither parses nor
    plans it again), executed with each call's values. ``settings.DB_PREPARED_STATEMENTS`` off (for
    a pooler that shares connections between clients per transaction), the plain SQL is run.

    ``PREPARE`` goes through the raw cursor: it is bookkeeping, not one of the page's queries. It
    outlives a rolled-back transaction; a new connection prepares again."""
    if not settings.DB_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    connection = cursor.db
    raw = connection.connection
    known = getattr(connection, "_tracker_statements", None)
    if known is None or known[0] is not raw:
        known = (raw, set())
        connection._tracker_statements = known
    if name not in known[1]:
        cursor.cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
        known[1].add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}", params)


class NotPreparable(Exception):
    """A query's SQL depends on its values, or a parameter on something other than its values."""


class Prepared:
    """A query whose SQL is built once per process (on PostgreSQL), run with new values.

    ``build(**shape, **values)`` returns the queryset; ``kinds`` names each value's :class:`Kind`.
    ``shape`` arguments (booleans and the like that change the SQL) are part of the key: each shape
    is prepared apart. ``rows(**arguments)`` returns a values-list query's rows as tuples;
    ``objects(**arguments)`` a model query's instances.
    """

    def __init__(self, build, **kinds):
        self.build = build
        self.kinds = kinds
        self.name = f"{build.__module__}.{build.__qualname__}"
        self._kept = {}
        self._lock = threading.Lock()

    def _split(self, arguments):
        values = {name: arguments.pop(name) for name in self.kinds}
        return values, tuple(sorted(arguments.items()))

    def sql(self, using="default", **arguments):
        """The SQL and parameters to run for these arguments (kept on PostgreSQL, built elsewhere)."""
        values, shape = self._split(arguments)
        if connections[using].vendor != "postgresql":
            return self._compile(using, shape, values)[:2]
        sql, params, _compiler, _name = self._kept_for(using, shape, values)
        return sql, params

    def _kept_for(self, using, shape, values):
        key = (using, shape)
        kept = self._kept.get(key)
        if kept is None:
            with self._lock:
                kept = self._kept.get(key) or self._prepare(using, shape)
                self._kept[key] = kept
        sql, slots, compiler, statement = kept
        return sql, [derive(values[name]) if name is not None else derive for name, derive in slots], compiler, statement

    def _through_orm(self, using, shape, values):
        # Elsewhere than PostgreSQL: built and run by the ORM, whose converters make the Decimals
        # and dates SQLite stores as text.
        return list(self.build(**dict(shape), **values).using(using))

    def rows(self, using="default", **arguments):
        connection = connections[using]
        values, shape = self._split(arguments)
        if connection.vendor != "postgresql":
            return self._through_orm(using, shape, values)
        sql, params, _compiler, name = self._kept_for(using, shape, values)
        with connection.cursor() as cursor:
            execute(cursor, name, sql, params)
            return cursor.fetchall()

    def objects(self, using="default", **arguments):
        """The model instances of a model query, with the objects its ``select_related`` follows,
        made as Django's ``ModelIterable`` makes them (from the kept SQL on PostgreSQL)."""
        connection = connections[using]
        values, shape = self._split(arguments)
        if connection.vendor != "postgresql":
            return self._through_orm(using, shape, values)
        sql, params, compiler, name = self._kept_for(using, shape, values)
        with connection.cursor() as cursor:
            execute(cursor, name, sql, params)
            rows = cursor.fetchall()
        # As ModelIterable does, with the select and klass_info the first build's compiler filled.
        select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using)
        made = []
        for row in compiler.results_iter([rows]):
            obj = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in (annotation_col_map or {}).items():
                setattr(obj, name, row[position])
            made.append(obj)
        return made

    def _compile(self, using, shape, values):
        compiler = self.build(**dict(shape), **values).query.get_compiler(using)
        return (*compiler.as_sql(), compiler)

    def _prepare(self, using, shape):
        runs = [self._compile(using, shape, {name: kind.markers[i] for name, kind in self.kinds.items()}) for i in (0, 1)]
        (sql, first, compiler), (other_sql, second, _other) = runs
        if sql != other_sql or len(first) != len(second):
            raise NotPreparable(f"{self.name}: its SQL changes with its values")
        slots = []
        for a, b in zip(first, second):
            found = [
                (name, derive) for name, kind in self.kinds.items() for derive in kind.derive
                if _equal(a, derive(kind.markers[0])) and _equal(b, derive(kind.markers[1]))
            ]
            if len(found) > 1:
                raise NotPreparable(f"{self.name}: the parameter {a!r} could come from several values")
            if found:
                slots.append(found[0])
            elif _equal(a, b):
                slots.append((None, a))
            else:
                raise NotPreparable(f"{self.name}: the parameter {a!r} is neither a constant nor one of its values")
        return sql, slots, compiler, statement_name()


def _equal(a, b):
    return type(a) is type(b) and a == b
