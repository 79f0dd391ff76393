"""The bureau page's OKR and project summary as it stood on the day shown, from the history."""
import datetime

import pytest

from tests.factories import person
from tracker.okrs.models import Okr, Project
from tracker.okrs.recording import record_okr, record_project
from tracker.org.models import Role, Unit

pytestmark = pytest.mark.django_db
MEETING = "/bureaus/ENV/?as_of=2024-06-07"


def figure(html, name):
    return html.split(f'data-figure="{name}">', 1)[1].split("<", 1)[0]


@pytest.fixture
def reporter(db):
    return person("reporter-env", ("ENV", Role.REPORTER))


@pytest.fixture
def completed_today(reporter):
    project = Project.objects.get(code="ENV-PRJ-001")
    project.status = Project.Status.COMPLETED
    record_project(project, project.okrs.all(), reporter)
    return project


def test_a_status_changed_today_leaves_the_meeting_day_figures_as_they_were(client, completed_today):
    html = client.get(MEETING).content.decode()
    assert [figure(html, f) for f in ("projects", "completed", "in_progress")] == ["97", "5", "92"]


def test_today_the_bureau_page_shows_the_change(client, completed_today):
    html = client.get("/bureaus/ENV/").content.decode()
    assert [figure(html, f) for f in ("projects", "completed", "in_progress")] == ["97", "6", "91"]


def test_an_okr_unbound_today_still_counts_as_bound_on_the_meeting_day(client, reporter):
    for project in Project.objects.filter(okrs__code="ENV-OKR-01"):
        record_project(project, [], reporter)
    assert figure(client.get(MEETING).content.decode(), "bound") == "26"
    assert figure(client.get("/bureaus/ENV/").content.decode(), "bound") == "25"


def test_okrs_and_projects_created_after_the_day_are_left_out(reporter):
    okr = Okr(code="ENV-OKR-NEW", unit=Unit.objects.get(code="ENV"), target=Okr.objects.first().target,
              fiscal_year=2567, name_th="OKR ใหม่")
    record_okr(okr, reporter)
    unit = okr.unit_id
    day = datetime.date(2024, 6, 7)
    assert Okr.objects.summary_by_unit([unit], as_of=day, fiscal_year=2567)[unit] == {"okrs": 26, "bound": 26}
    assert Okr.objects.summary_by_unit([unit], fiscal_year=2567)[unit] == {"okrs": 27, "bound": 26}


def test_summaries_as_of_a_day_refuse_a_filter_made_before():
    with pytest.raises(TypeError):
        Project.objects.filter(status="completed").summary_by_unit([1], as_of=datetime.date(2024, 6, 7))


def test_the_summary_as_of_a_day_runs_one_query(django_assert_num_queries, completed_today):
    with django_assert_num_queries(1):
        Project.objects.summary_by_unit([completed_today.unit_id], as_of=datetime.date(2024, 6, 7))
    with django_assert_num_queries(1):
        Okr.objects.summary_by_unit([completed_today.unit_id], as_of=datetime.date(2024, 6, 7))
