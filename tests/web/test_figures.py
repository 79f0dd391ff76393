"""Figures as of a settled day are kept across result writes, by the version of the past."""
import datetime

import pytest
from django.core.cache import cache
from django.db import transaction

from tests.factories import person
from tracker.org.models import Role, Unit
from tracker.targets import progress
from tracker.targets.models import Target
from tracker.targets.recording import record_result
from tracker.web.figures import figures

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 6, 7)


@pytest.fixture(autouse=True)
def page_cache(settings, no_page_cache):
    settings.PAGE_CACHE_SECONDS = 3600
    cache.clear()


def trees():
    return Target.objects.filter(code="ENV-TREES")


def submit(reporter, value, capture):
    with capture(execute=True):
        record_result(target=trees().get(), unit=Unit.objects.get(code="1001"), period=datetime.date(2024, 6, 1),
                      value=value, by=reporter, state="submitted")


def test_a_settled_day_is_computed_once_across_result_writes(clock, reopened_months, django_capture_on_commit_callbacks,
                                                              django_assert_num_queries):
    clock(2024, 6, 20, 9)
    reporter = person("reporter-1001", ("1001", Role.REPORTER))
    first = figures(trees(), DAY)
    submit(reporter, 1_000, django_capture_on_commit_callbacks)
    with django_assert_num_queries(2):  # the target and the version of the past: no figure
        again = figures(trees(), DAY)
    fresh = progress.compute(trees(), DAY)
    target = trees().get().pk
    assert again[target].result == first[target].result == fresh[target].result == 218_910
    assert [u.result for u in again[target].units] == [u.result for u in fresh[target].units]


def test_today_is_computed_every_time(clock, reopened_months, django_capture_on_commit_callbacks):
    clock(2024, 6, 20, 9)
    reporter = person("reporter-1001", ("1001", Role.REPORTER))
    today = datetime.date(2024, 6, 20)
    before = figures(trees(), today)[trees().get().pk].result
    submit(reporter, 1_000, django_capture_on_commit_callbacks)
    assert figures(trees(), today)[trees().get().pk].result == before + 1_000


def test_a_day_that_ended_minutes_ago_is_not_yet_settled(clock, django_assert_num_queries):
    clock(2024, 6, 8, 0, 10)  # a writer stamped before midnight may still be committing
    figures(trees(), DAY)
    with django_assert_num_queries(5):  # computed again
        figures(trees(), DAY, monthly=False)


def test_a_change_of_the_target_moves_its_figures(clock, django_capture_on_commit_callbacks):
    clock(2024, 6, 20, 9)
    first = figures(trees(), DAY)[trees().get().pk]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        target = trees().get()
        target.name_en = "Street trees"
        target.save()
    assert figures(trees(), DAY)[target.pk].target.name_en == "Street trees" != first.target.name_en
