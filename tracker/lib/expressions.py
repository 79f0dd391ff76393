"""Query expressions the ORM lacks."""
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import BooleanField, F, Func, IntegerField, Q, Value


class EqualsAny(Func):
    """``expression = ANY(array)`` (PostgreSQL), e.g. a column against ``ArraySubquery(...)``."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        lhs, lhs_params = compiler.compile(self.source_expressions[0])
        rhs, rhs_params = compiler.compile(self.source_expressions[1])
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def among(field, subquery, using="default"):
    """A condition: ``field`` is among the values of ``subquery`` (a one-column queryset), with the
    subquery kept apart from the outer query; a ``Q`` to filter with, or to combine with others.

    PostgreSQL may turn ``field IN (subquery)`` into a join and plan it badly: to meet a few rows of
    a small table it can walk a large one in id order (70–150 ms where 3 ms would do), and an ``OR``
    of a column with a joined table's column forbids the indexes of either side. There the
    subquery's values are gathered once into an array (``= ANY(ARRAY(subquery))``, an InitPlan the
    planner cannot turn into a join) and the outer rows read by index. Elsewhere a plain ``IN``.
    """
    if connections[using].vendor == "postgresql":
        return Q(EqualsAny(F(field), ArraySubquery(subquery)))
    return Q(**{f"{field}__in": subquery})


def in_subquery(queryset, field, subquery):
    """``queryset`` filtered to rows whose ``field`` is among the values of ``subquery`` (``among``)."""
    return queryset.filter(among(field, subquery, using=queryset.db))


def among_values(field, values, base=None, using="default"):
    """A condition: ``field`` is one of ``values``. On PostgreSQL ``field = ANY(%s)`` with the list
    as one array parameter, so the SQL is the same whatever the number of values; elsewhere ``IN``."""
    values = list(values)
    if connections[using].vendor == "postgresql":
        return Q(EqualsAny(F(field), Value(values, output_field=ArrayField(base or IntegerField()))))
    return Q(**{f"{field}__in": values})
