"""The district page: every target the district carries, with allocation, result, band and rank."""
import pytest

from tests.dashboard.conftest import section, text_of
from tracker.org.models import District
from tracker.targets import progress
from tracker.targets.models import Target

pytestmark = pytest.mark.django_db
URL = "/districts/1001/?as_of=2024-06-07"


def test_it_lists_every_target_with_the_numbers_module_figures(client, meeting_day):
    page = client.get(URL).content.decode()
    figures = progress.compute(Target.objects.for_pages(), meeting_day)
    district = District.objects.get(code="1001")
    for figure in figures.values():
        mine = next(u for u in figure.units if u.unit == district)
        row = text_of(section(page, figure.target.code))
        if mine.result is not None:
            assert f"{mine.result:,.0f}" in row or f"{mine.result:,.2f}" in row
            assert f"{mine.rank} จาก 50" in row
        assert f"{mine.allocation:,.0f}" in row


def test_month_by_month_table(client):
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Oct 2023" in page and "May 2024" in page and "Jun 2024" in page


def test_unknown_district_is_404(client):
    assert client.get("/districts/9999/").status_code == 404


def test_a_bureau_code_is_not_a_district(client):
    assert client.get("/districts/ENV/").status_code == 404


def test_query_budget_is_constant(queries_before_and_after_doubling):
    before, after = queries_before_and_after_doubling(URL)
    assert before <= 15
    assert after == before
