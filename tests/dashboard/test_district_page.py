"""The district page: every target the district carries, with allocation, result, band and rank."""
import re

import pytest

from tests.helpers import section, text_of
from tracker.lib.formatting import num, pct
from tracker.org.models import District
from tracker.targets import progress
from tracker.targets.models import Result, Target

pytestmark = pytest.mark.django_db
URL = "/districts/1001/?as_of=2024-06-07"


def cells(row_html):
    """The text of each cell of a table row, in order."""
    return [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, flags=re.S)]


def test_it_lists_every_target_with_the_numbers_module_figures(client, meeting_day):
    page = client.get(URL).content.decode()
    figures = progress.compute(Target.objects.for_pages(), meeting_day)
    district = District.objects.get(code="1001")
    for figure in figures.values():
        mine = next(u for u in figure.units if u.unit == district)
        _name, _host, allocation, result, percent, _band, rank = cells(section(page, figure.target.code))
        decimals = figure.target.decimals
        assert allocation == num(mine.allocation, decimals)
        assert result == num(mine.result, decimals)
        assert percent == pct(mine.percent)
        assert rank == (f"{mine.rank} จาก 50" if mine.rank else "–")


def test_month_cells_are_the_reported_values_and_a_dash_where_none(client):
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = re.search(r'<table class="data month-table" id="district-months">.*?</table>', page, re.S).group(0)
    trees = Target.objects.get(code="ENV-TREES")
    row = re.search(r"<tr[^>]*><th scope=\"row\">" + re.escape(trees.name_en) + r"</th>(.*?)</tr>", table, re.S).group(1)
    shown = cells(row)
    reported = Result.objects.filter(target=trees, unit__code="1001").order_by("period").values_list("value", flat=True)
    assert shown == [num(v) for v in reported] + ["–"]  # October to May, and June with no report yet


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
