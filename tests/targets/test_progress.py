"""Every figure of the 7 June 2024 meeting, computed by the numbers module from the fixtures."""
import datetime
from decimal import Decimal

import pytest

from tracker.okrs.models import Okr, Project
from tracker.org.models import Bureau, District
from tracker.targets import progress
from tracker.targets.models import Result, ResultRevision, Target
from tracker.targets.rules import Band, Status
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(meeting_day):
    return {p.target.code: p for p in progress.compute(Target.objects.for_pages(), meeting_day).values()}


def test_trees_planted_218910_of_200000(figures):
    trees = figures["ENV-TREES"]
    assert trees.result == 218_910
    assert trees.target.target_value == 200_000
    assert trees.allocated == 200_000
    assert trees.status == Status.ACHIEVED


def test_perennial_trees_45719_of_157567(figures):
    perennial = figures["ENV-TREES-PERENNIAL"]
    assert perennial.result == 45_719
    assert perennial.target.target_value == 157_567
    assert perennial.allocated == 157_567
    assert figures["ENV-TREES"].children == [perennial]


def test_parks_89_of_156_is_57_05_percent(figures):
    parks = figures["ENV-PARKS"]
    assert parks.result == 89
    assert parks.target.target_value == 156
    assert parks.percent_display == Decimal("57.05")


def test_waste_collection_bands_31_7_12(figures):
    counts = figures["ENV-WASTE-COLLECTION"].band_counts
    assert (counts[Band.HIGH], counts[Band.MIDDLE], counts[Band.LOW], counts[Band.NONE]) == (31, 7, 12, 0)


def test_waste_collection_is_a_level_never_summed(figures):
    collection = figures["ENV-WASTE-COLLECTION"]
    levels = [u.result for u in collection.districts]
    assert max(levels) == 100
    assert collection.result == sum(levels) / 50  # the mean of the latest levels
    assert collection.result <= 100


def test_waste_separation_49574_of_73200_with_bands_5_41_4(figures):
    separation = figures["ENV-WASTE-SEPARATION"]
    assert separation.result == 49_574
    assert separation.target.target_value == 73_200
    assert separation.allocated == 73_200
    counts = separation.band_counts
    assert (counts[Band.HIGH], counts[Band.MIDDLE], counts[Band.LOW]) == (5, 41, 4)


def test_waste_points_allocated_2473_and_not_reported(figures):
    points = figures["ENV-WASTE-POINTS"]
    assert points.allocated == 2_473
    assert points.result == 0
    assert points.band_counts[Band.NONE] == 50
    assert points.last_entered_at is None


def test_environment_okrs_26_all_bound_97_projects():
    env = Bureau.objects.get(code="ENV")
    okrs = Okr.objects.summary_by_unit([env])[env.pk]
    projects = Project.objects.summary_by_unit([env])[env.pk]
    assert okrs == {"okrs": 26, "bound": 26}
    assert projects["projects"] == 97
    assert projects["reported"] == 97
    assert projects["completed"] == 5
    assert projects["in_progress"] == 92


def test_figures_as_of_the_meeting_exclude_later_entries(clock, meeting_day):
    trees = Target.objects.get(code="ENV-TREES")
    clock(2024, 7, 3, 10)
    record_result(target=trees, unit=District.objects.get(code="1001"), period=datetime.date(2024, 6, 1), value=500, by=None)
    assert progress.compute([trees], meeting_day)[trees.pk].result == 218_910
    assert progress.compute([trees], datetime.date(2024, 7, 3))[trees.pk].result == 219_410


def test_a_result_corrected_later_counts_with_its_value_of_the_day(reopened_months, clock, meeting_day):
    trees = Target.objects.get(code="ENV-TREES")
    may = Result.objects.get(target=trees, unit__code="1001", period=datetime.date(2024, 5, 1))
    original = may.value
    clock(2024, 6, 20, 9)
    record_result(target=trees, unit=may.unit, period=may.period, value=original + 100, state="verified", by=None)
    clock(2024, 7, 15, 9)
    record_result(target=trees, unit=may.unit, period=may.period, value=original + 40, state="verified", by=None)

    def result(day):
        return progress.compute([trees], day)[trees.pk].result

    assert result(meeting_day) == 218_910
    assert result(datetime.date(2024, 6, 30)) == 218_910 + 100
    assert result(datetime.date(2024, 7, 15)) == 218_910 + 40
    assert may.revisions.count() == 3


def test_a_result_changed_in_bulk_without_history_is_read_as_it_is_now(meeting_day):
    trees = Target.objects.get(code="ENV-TREES")
    may = Result.objects.filter(target=trees, unit__code="1001", period=datetime.date(2024, 5, 1))
    original = may.get().value
    may.update(value=original + 7, updated_at=datetime.datetime(2024, 7, 1, tzinfo=datetime.UTC))
    ResultRevision.objects.filter(result__in=may).delete()  # no version of the meeting day left
    assert progress.compute([trees], meeting_day)[trees.pk].result == 218_910 + 7


def test_a_corrected_level_is_the_level_reported_by_then(reopened_months, clock, meeting_day):
    collection = Target.objects.get(code="ENV-WASTE-COLLECTION")
    before = progress.compute([collection], meeting_day)[collection.pk]
    latest = Result.objects.filter(target=collection, unit__code="1050").latest("period")
    clock(2024, 6, 20, 9)
    record_result(target=collection, unit=latest.unit, period=latest.period, value=0, by=None)
    then = progress.compute([collection], meeting_day)[collection.pk]
    now = progress.compute([collection], datetime.date(2024, 6, 21))[collection.pk]
    assert then.result == before.result and then.band_counts == before.band_counts
    assert now.result < before.result


def test_figures_before_the_first_report_are_zero():
    trees = Target.objects.get(code="ENV-TREES")
    figure = progress.compute([trees], datetime.date(2023, 10, 31))[trees.pk]
    assert figure.result == 0
    assert figure.band_counts[Band.NONE] == 50


def test_monthly_series_adds_up_to_the_result(figures):
    trees = figures["ENV-TREES"]
    reported = [m for m in trees.months if m.to_date is not None]
    assert len(trees.months) == 12 and len(reported) == 9  # Oct–Jun; June has no reports yet
    assert reported[-1].to_date == 218_910
    assert trees.months[-1].expected == 200_000


def test_ranks_are_best_first_with_ties_shared(figures):
    collection = figures["ENV-WASTE-COLLECTION"]
    at_100 = [u for u in collection.districts if u.result == 100]
    assert {u.rank for u in at_100} == {1}
    assert min(u.rank for u in collection.districts if u.result < 100) == 32


def test_a_page_of_one_unit_gets_its_row_alone_ranked_among_all(figures, meeting_day):
    """``unit_rows=<a unit's id>``: the district page's figures, that district's row only, with the
    rank it has among every unit (ties shared) and how many were ranked."""
    collection = figures["ENV-WASTE-COLLECTION"]
    first = next(u for u in collection.districts if u.result == 100).unit
    behind = min((u for u in collection.districts if u.result < 100), key=lambda u: u.rank).unit
    targets = list(Target.objects.for_pages())
    for district, rank in ((first, 1), (behind, 32)):
        one = progress.compute(targets, meeting_day, unit_rows=district.pk)
        [row] = one[collection.target.pk].units
        assert (row.unit, row.rank, one[collection.target.pk].ranked) == (district, rank, 50)
        for figure in one.values():
            assert [u.unit for u in figure.units] in ([], [district])
            everyone = figures[figure.target.code]
            assert figure.ranked == sum(1 for u in everyone.units if u.percent is not None)
            assert [(u.percent, u.rank) for u in figure.units] == [
                (u.percent, u.rank) for u in everyone.units if u.unit == district
            ]


def test_whole_bureau_in_constant_queries(django_assert_num_queries, meeting_day):
    targets = list(Target.objects.for_pages())
    with django_assert_num_queries(5):
        progress.compute(targets, datetime.date.today())
    with django_assert_num_queries(6):  # a past day reads the targets as they stood then
        progress.compute(targets, meeting_day)
    districts = list(District.objects.select_related("zone"))
    with django_assert_num_queries(5):
        progress.compute(targets, meeting_day, districts=districts)


def test_without_the_monthly_series_the_figures_are_the_same_in_one_query_less(
    django_assert_num_queries, figures, meeting_day
):
    targets = list(Target.objects.for_pages())
    with django_assert_num_queries(5):
        lean = progress.compute(targets, meeting_day, monthly=False)
    for target in targets:
        full, short = figures[target.code], lean[target.pk]
        assert short.months == []
        assert (short.result, short.status, short.band_counts) == (full.result, full.status, full.band_counts)


def test_a_units_own_result_to_date_is_its_row_of_the_figures(figures, meeting_day):
    """``unit_to_date`` reads one unit alone (the report grid): the same values as its row of ``compute``."""
    targets = [figure.target for figure in figures.values()]
    phra_nakhon = District.objects.get(code="1001")
    alone = progress.unit_to_date(phra_nakhon, targets, meeting_day)
    rows = {
        figure.target.pk: unit.result for figure in figures.values() for unit in figure.units
        if unit.unit.pk == phra_nakhon.pk and unit.result is not None
    }
    assert alone == rows and len(alone) == 5  # five of the six targets have a counted result of 1001
    trees = Target.objects.get(code="ENV-TREES")
    every_district = [progress.unit_to_date(d, [trees], meeting_day).get(trees.pk, 0) for d in District.objects.all()]
    assert sum(every_district) == 218_910  # the meeting's figure, district by district
