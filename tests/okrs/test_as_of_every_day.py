"""Every page and export as of a day reads each OKR, project and binding as it stood at the end of
that day, and each row it points through (a project's OKRs, an OKR's target) as it stood then.

The changes are made at simulated moments of FY 2567 (and one long after), then every day around
them is read back: the OKR and project exports and the bureau page's summary, compared with a
table of what held, written by hand.
"""
import csv
import datetime
import io
from decimal import Decimal

import pytest

from tests.factories import person
from tracker.okrs.models import Okr, Project
from tracker.okrs.recording import record_okr, record_project
from tracker.org.models import Unit
from tracker.targets.models import Target
from tracker.targets.recording import record_target

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed(clock):
    """The changes, in the order they were made."""
    admin = person("admin", superuser=True)
    okr19, okr02 = Okr.objects.get(code="ENV-OKR-19"), Okr.objects.get(code="ENV-OKR-02")
    parks = Target.objects.get(code="ENV-PARKS")

    def project(code):
        return Project.objects.get(code=code)

    clock(2024, 1, 10, 10)
    okr19.target = parks
    record_okr(okr19, admin)  # moved to another target of the year
    clock(2024, 1, 20, 10)
    record_project(project("ENV-PRJ-019"), [okr02], admin)  # rebound
    clock(2024, 2, 1, 10)
    record_project(project("ENV-PRJ-019"), [], admin)  # unbound
    clock(2024, 3, 1, 10)
    next_year = record_target(Target(
        code="ENV-TREES-2568", name_th="ปลูกต้นไม้ ปี 2568", name_en="Trees planted, FY 2568", policy=parks.policy,
        host=parks.host, unit_of_measure="trees", target_value=Decimal(250_000), fiscal_year=2568,
        start_date=datetime.date(2024, 10, 1), deadline=datetime.date(2025, 9, 30), districts_carry=True,
    ), admin)
    okr19.target, okr19.fiscal_year = next_year, 2568
    record_okr(okr19, admin)  # moved to next fiscal year's target
    clock(2024, 4, 1, 10)
    record_project(project("ENV-PRJ-019"), [okr19], admin)  # rebound
    clock(2024, 5, 1, 10)
    first = project("ENV-PRJ-045")  # bound to ENV-OKR-19; its first change comes after the OKR moved
    first.status = Project.Status.COMPLETED
    record_project(first, first.okrs.all(), admin)
    clock(2026, 11, 1, 10)
    late = project("ENV-PRJ-097")  # a fixture row changed for the first time long after it was loaded
    late.status, late.name_en = Project.Status.CANCELLED, "Renamed in 2026"
    record_project(late, late.okrs.all(), admin)
    clock(2026, 12, 7, 9)


# What held at the end of each day: ENV-OKR-19's target and year; ENV-PRJ-019's OKRs and their
# targets; ENV-PRJ-045's and ENV-PRJ-097's status.
HELD = {
    datetime.date(2023, 10, 1): ("ENV-TREES", "2567", "ENV-OKR-19", "ENV-TREES", "in_progress", "in_progress"),
    datetime.date(2024, 1, 9): ("ENV-TREES", "2567", "ENV-OKR-19", "ENV-TREES", "in_progress", "in_progress"),
    datetime.date(2024, 1, 10): ("ENV-PARKS", "2567", "ENV-OKR-19", "ENV-PARKS", "in_progress", "in_progress"),
    datetime.date(2024, 1, 20): ("ENV-PARKS", "2567", "ENV-OKR-02", "ENV-TREES-PERENNIAL", "in_progress", "in_progress"),
    datetime.date(2024, 2, 1): ("ENV-PARKS", "2567", "", "", "in_progress", "in_progress"),
    datetime.date(2024, 3, 1): ("ENV-TREES-2568", "2568", "", "", "in_progress", "in_progress"),
    datetime.date(2024, 4, 1): ("ENV-TREES-2568", "2568", "ENV-OKR-19", "ENV-TREES-2568", "in_progress", "in_progress"),
    datetime.date(2024, 4, 30): ("ENV-TREES-2568", "2568", "ENV-OKR-19", "ENV-TREES-2568", "in_progress", "in_progress"),
    datetime.date(2024, 5, 1): ("ENV-TREES-2568", "2568", "ENV-OKR-19", "ENV-TREES-2568", "completed", "in_progress"),
    datetime.date(2026, 10, 31): ("ENV-TREES-2568", "2568", "ENV-OKR-19", "ENV-TREES-2568", "completed", "in_progress"),
    datetime.date(2026, 11, 1): ("ENV-TREES-2568", "2568", "ENV-OKR-19", "ENV-TREES-2568", "completed", "cancelled"),
}


NAMES = {
    "ENV-TREES": "Trees planted", "ENV-PARKS": "15-minute parks", "ENV-TREES-PERENNIAL": "of which perennial trees",
    "ENV-TREES-2568": "Trees planted, FY 2568",
}


def exported(client, page, day):
    response = client.get(f"/{page}/?as_of={day.isoformat()}&_export=csv", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    return {row[f"{page[:-1]}_code"]: row for row in rows}


@pytest.mark.parametrize("day", list(HELD))
def test_the_exports_show_each_row_and_what_it_points_through_as_they_stood(client, changed, day):
    target, year, okrs, targets, status_045, status_097 = HELD[day]
    okr = exported(client, "okrs", day)["ENV-OKR-19"]
    assert (okr["target_code"], okr["fiscal_year"]) == (target, year)
    projects = exported(client, "projects", day)
    served = f"{targets} {NAMES[targets]}" if targets else ""
    assert (projects["ENV-PRJ-019"]["okr_codes"], projects["ENV-PRJ-019"]["targets"]) == (okrs, served)
    assert projects["ENV-PRJ-045"]["status"] == dict(Project.Status.choices)[status_045]
    assert (projects["ENV-PRJ-097"]["status"], projects["ENV-PRJ-097"]["project"]) == (
        dict(Project.Status.choices)[status_097],
        "Renamed in 2026" if status_097 == "cancelled" else "Project / activity 97 (demo data)",
    )
    assert len(projects) == 97  # none disappears from an earlier day


def test_a_day_before_the_fixture_held_shows_none_of_its_rows(client, changed):
    assert exported(client, "okrs", datetime.date(2023, 9, 30)) == {}
    assert exported(client, "projects", datetime.date(2023, 9, 30)) == {}


@pytest.mark.parametrize(("day", "okrs", "bound", "completed"), [
    (datetime.date(2024, 2, 29), 26, 26, 5),
    (datetime.date(2024, 3, 1), 25, 25, 5),  # ENV-OKR-19 now serves FY 2568
    (datetime.date(2024, 5, 1), 25, 25, 6),
])
def test_the_bureau_page_counts_what_held_that_day(client, changed, day, okrs, bound, completed):
    response = client.get(f"/bureaus/ENV/?as_of={day.isoformat()}")
    assert response.context["okrs"] == {"okrs": okrs, "bound": bound}
    projects = response.context["projects"]
    assert (projects["projects"], projects["completed"], projects["cancelled"]) == (97, completed, 0)


def test_the_next_year_counts_the_moved_okr_from_the_day_it_moved(changed):
    env = Unit.objects.get(code="ENV")
    summary = Okr.objects.summary_by_unit
    assert summary([env], as_of=datetime.date(2024, 2, 29), fiscal_year=2568) == {}
    assert summary([env], as_of=datetime.date(2024, 3, 1), fiscal_year=2568) == {env.pk: {"okrs": 1, "bound": 1}}
