"""OKRs and projects are written with their history: who, when, and the state before the first change."""
import datetime

import pytest

from tests.factories import person
from tracker.okrs.models import Okr, Project, project_okr_history
from tracker.okrs.recording import record_okr, record_project
from tracker.org.models import Role
from tracker.targets.history import AS_LOADED

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter(db):
    return person("reporter-env", ("ENV", Role.REPORTER))


def test_a_changed_okr_keeps_its_history_with_the_acting_user(reporter, clock):
    clock(2024, 6, 20, 9)
    okr = Okr.objects.get(code="ENV-OKR-01")
    okr.key_result_start, okr.key_result_target = 0, 1000
    record_okr(okr, reporter)
    latest = okr.history.latest()
    assert (latest.history_user, latest.key_result_target) == (reporter, 1000)
    assert latest.history_date == datetime.datetime(2024, 6, 20, 2, tzinfo=datetime.UTC)


def test_the_okr_as_loaded_keeps_the_day_its_fixture_said(reporter, clock):
    clock(2024, 6, 20, 9)
    okr = Okr.objects.get(code="ENV-OKR-01")
    old_name = okr.name_en
    okr.name_en = "Renamed"
    record_okr(okr, reporter)
    first = okr.history.earliest()
    assert (first.name_en, first.history_user, first.history_change_reason) == (old_name, None, AS_LOADED)
    assert first.history_date == datetime.datetime(2023, 9, 30, 17, tzinfo=datetime.UTC)  # 1 Oct 2023, Bangkok
    assert okr.history.count() == 2


def test_a_project_change_keeps_its_fields_and_okrs_in_one_record(reporter, clock):
    clock(2024, 6, 20, 9)
    project = Project.objects.get(code="ENV-PRJ-001")
    other = Okr.objects.get(code="ENV-OKR-02")
    project.status, project.progress = Project.Status.COMPLETED, 100
    record_project(project, [other], reporter)
    records = list(project.history.order_by("history_date"))
    assert [(r.status, r.history_user, r.history_change_reason) for r in records] == [
        ("in_progress", None, AS_LOADED), ("completed", reporter, None),
    ]
    bound = project_okr_history().objects.filter(history__in=records)
    assert sorted((b.history_id == records[0].history_id, b.okr.code) for b in bound) == [
        (False, "ENV-OKR-02"), (True, "ENV-OKR-01"),
    ]
    assert list(project.okrs.values_list("code", flat=True)) == ["ENV-OKR-02"]


def test_loading_the_fixtures_starts_each_row_on_the_day_the_fixture_says():
    """The demo says its rows hold from 1 Oct 2023: one record each, then, with a project's OKRs."""
    start = datetime.datetime(2023, 9, 30, 17, tzinfo=datetime.UTC)  # 1 Oct 2023, Bangkok
    for model, count in ((Okr, 26), (Project, 97)):
        records = list(model.history.values_list("history_type", "history_date", "history_change_reason", "history_user"))
        assert records == [("+", start, AS_LOADED, None)] * count
    project = Project.objects.get(code="ENV-PRJ-001")
    bound = project_okr_history().objects.filter(history__in=project.history.all()).values_list("okr__code", flat=True)
    assert list(bound) == ["ENV-OKR-01"]
    assert project_okr_history().objects.count() == Project.okrs.through.objects.count() == 117
