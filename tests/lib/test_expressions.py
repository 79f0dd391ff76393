"""``in_subquery``: the rows a plain ``IN (subquery)`` keeps, on PostgreSQL through ``= ANY(ARRAY(…))``."""
import pytest
from django.db import connection
from django.db.models import Q

from tracker.lib.expressions import among, in_subquery
from tracker.targets.models import Result, ResultRevision, Target

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("results", [
    lambda: Result.objects.filter(target__code="ENV-TREES"),
    lambda: Result.objects.filter(unit__code="1001", target__in=Target.objects.filter(fiscal_year=2567)),
    lambda: Result.objects.filter(target__code="ENV-TREES", unit__code="no such unit"),
])
def test_in_subquery_keeps_what_in_keeps(results):
    subquery = results().order_by().values("pk")
    expected = set(ResultRevision.objects.filter(result__in=subquery).values_list("pk", flat=True))
    kept = in_subquery(ResultRevision.objects.all(), "result", subquery)
    assert set(kept.values_list("pk", flat=True)) == expected
    sql = str(kept.query)
    assert ("= ANY(ARRAY(" in sql) == (connection.vendor == "postgresql")


def test_in_subquery_keeps_rows_when_some_match():
    subquery = Result.objects.filter(target__code="ENV-TREES").order_by().values("pk")
    assert in_subquery(ResultRevision.objects.all(), "result", subquery).exists()


def test_among_combines_with_or():
    # A target or the sub-targets of another: the same rows as the join through the parent's code.
    subquery = Target.objects.filter(code="ENV-TREES").values("pk")
    either = Target.objects.filter(Q(code="ENV-PARKS") | among("parent", subquery))
    expected = Target.objects.filter(Q(code="ENV-PARKS") | Q(parent__code="ENV-TREES"))
    assert set(either) == set(expected)
    assert {t.code for t in either} == {"ENV-PARKS", *Target.objects.filter(parent__code="ENV-TREES").values_list("code", flat=True)}
    assert Target.objects.filter(parent__code="ENV-TREES").exists()


@pytest.mark.parametrize("code, expected", [
    ("ENV-TREES", lambda: {"ENV-TREES", *Target.objects.filter(parent__code="ENV-TREES").values_list("code", flat=True)}),
    ("ENV-PARKS", lambda: {"ENV-PARKS"}),
    ("NO-SUCH", lambda: set()),
])
def test_family_is_the_target_and_its_sub_targets(code, expected):
    assert {t.code for t in Target.objects.family(code)} == expected()
