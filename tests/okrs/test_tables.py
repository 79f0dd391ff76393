"""The OKR and project tables show target names and totals per status; the host sees every unit's OKRs."""
import csv
import io

import pytest

from tests.factories import person
from tests.helpers import page_html, text_of
from tracker.okrs.models import Okr, Project
from tracker.okrs.recording import record_okr, record_project
from tracker.org.models import Role, Unit
from tracker.targets.models import Target

pytestmark = pytest.mark.django_db


def totals(html):
    return text_of(html.split("data-totals>", 1)[1].split("</p>", 1)[0])


def test_project_table_shows_totals_per_status(client):
    html = page_html(client, "/projects/?unit=ENV", HTTP_ACCEPT_LANGUAGE="en")
    assert totals(html) == "97 projects: 92 in progress, 5 completed"


def test_project_totals_follow_the_filter(client):
    html = page_html(client, "/projects/?unit=ENV&status=completed", HTTP_ACCEPT_LANGUAGE="en")
    assert totals(html) == "5 projects: 5 completed"


def test_okr_table_shows_totals(client):
    assert totals(page_html(client, "/okrs/?unit=ENV", HTTP_ACCEPT_LANGUAGE="en")) == "26 OKRs: 26 bound to projects"


def test_okr_table_shows_target_names(client):
    html = text_of(page_html(client, "/okrs/?target=ENV-PARKS", HTTP_ACCEPT_LANGUAGE="en"))
    assert "ENV-PARKS 15-minute parks" in html


def test_project_table_shows_the_targets_of_its_okrs(client):
    project = Project.objects.get(code="ENV-PRJ-003")
    html = text_of(page_html(client, "/projects/?unit=ENV", HTTP_ACCEPT_LANGUAGE="en"))
    assert f"{project.code} {project.name_en} Environment Department ENV-OKR-03 ENV-PARKS 15-minute parks" in html


def test_project_export_has_targets_and_progress(client):
    project = Project.objects.get(code="ENV-PRJ-003")
    project.progress = 40
    record_project(project, project.okrs.all(), None)
    row = next(r for r in client.get("/projects/?unit=ENV&_export=csv", HTTP_ACCEPT_LANGUAGE="en").content.decode().splitlines()
               if r.startswith("ENV-PRJ-003"))
    assert "ENV-PARKS 15-minute parks" in row and ",40," in row


def test_the_host_bureau_sees_every_units_okrs_of_its_target(client):
    parks = Target.objects.get(code="ENV-PARKS")
    district = Unit.objects.get(code="1001")
    record_okr(Okr(code="1001-OKR-01", unit=district, target=parks, fiscal_year=2567, name_th="สวน 15 นาที เขตพระนคร"),
               person("reporter-1001", ("1001", Role.REPORTER)))
    rows = csv.DictReader(io.StringIO(client.get("/okrs/?target=ENV-PARKS&_export=csv").content.decode()))
    assert sorted({r["unit_code"] for r in rows}) == ["1001", "ENV"]
    bureau = page_html(client, "/bureaus/ENV/?as_of=2024-06-07")
    assert 'href="/okrs/?target=ENV-PARKS"' in bureau


@pytest.fixture
def completed_today(db):
    project = Project.objects.get(code="ENV-PRJ-001")
    project.status, project.progress = Project.Status.COMPLETED, 100
    record_project(project, [Okr.objects.get(code="ENV-OKR-02")], person("reporter-env", ("ENV", Role.REPORTER)))
    return project


def test_project_table_as_of_a_past_day_shows_projects_as_they_stood(client, completed_today):
    past = page_html(client, "/projects/?unit=ENV&as_of=2024-06-07", HTTP_ACCEPT_LANGUAGE="en")
    assert totals(past) == "97 projects: 92 in progress, 5 completed"
    assert "ENV-PRJ-001 Project / activity 1 (demo data) Environment Department ENV-OKR-01 ENV-TREES" in text_of(past)
    today = page_html(client, "/projects/?unit=ENV", HTTP_ACCEPT_LANGUAGE="en")
    assert totals(today) == "97 projects: 91 in progress, 6 completed"


def test_project_table_as_of_a_past_day_filters_on_that_days_state(client, completed_today):
    rows = list(csv.DictReader(io.StringIO(
        client.get("/projects/?status=completed&as_of=2024-06-07&_export=csv", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )))
    assert len(rows) == 5 and "ENV-PRJ-001" not in {r["project_code"] for r in rows}
    trees = client.get("/projects/?target=ENV-TREES-PERENNIAL&as_of=2024-06-07&_export=csv").content.decode()
    assert "ENV-PRJ-001," not in trees
    assert "ENV-PRJ-001," in client.get("/projects/?target=ENV-TREES-PERENNIAL&_export=csv").content.decode()


def test_okr_table_as_of_a_past_day_leaves_out_okrs_created_since(client):
    record_okr(Okr(code="ENV-OKR-NEW", unit=Unit.objects.get(code="ENV"), target=Target.objects.get(code="ENV-PARKS"),
                   fiscal_year=2567, name_th="ใหม่"), None)
    assert totals(page_html(client, "/okrs/?unit=ENV&as_of=2024-06-07", HTTP_ACCEPT_LANGUAGE="en")) == "26 OKRs: 26 bound to projects"
    assert totals(page_html(client, "/okrs/?unit=ENV", HTTP_ACCEPT_LANGUAGE="en")) == "27 OKRs: 26 bound to projects"


@pytest.mark.parametrize("sort", ["target", "-name", "unit", "project_count"])
def test_okr_table_as_of_a_past_day_sorts(client, sort):
    page_html(client, f"/okrs/?as_of=2024-06-07&sort={sort}")


@pytest.mark.parametrize("url", ["/okrs/?as_of=2024-06-07", "/projects/?as_of=2024-06-07"])
def test_tables_as_of_a_past_day_keep_a_constant_query_budget(queries_before_and_after_doubling, url):
    before, after = queries_before_and_after_doubling(url)
    assert before <= 15 and after == before
