"""The Environment Department's follow-up page shows every figure of the 7 June 2024 meeting."""
import re
from decimal import Decimal

import pytest
from django.db.models import Sum

from tests.helpers import band_counts, headline, page_html, text_of
from tracker.targets.models import Allocation, Result
from tracker.targets.rules import Status

pytestmark = pytest.mark.django_db
URL = "/bureaus/ENV/?as_of=2024-06-07"


@pytest.fixture
def html(client):
    return page_html(client, URL, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def figures(client):
    """The page's figures by target code, sub-targets included, from its context."""
    shown = {}

    def add(figure):
        shown[figure.target.code] = figure
        for child in figure.children:
            add(child)

    for figure in client.get(URL).context["figures"]:
        add(figure)
    return shown


def test_trees_and_perennial_figures(html, figures):
    trees, perennial = figures["ENV-TREES"], figures["ENV-TREES-PERENNIAL"]
    assert (trees.result, trees.target.target_value) == (218_910, 200_000)
    assert (perennial.result, perennial.target.target_value) == (45_719, 157_567)
    assert headline(html, "ENV-TREES")["Result to date"] == "218,910 trees"
    assert headline(html, "ENV-TREES")["Target"] == "200,000 trees"


def test_parks_57_05_percent(html, figures):
    parks = figures["ENV-PARKS"]
    assert (parks.result, parks.target.target_value, round(parks.percent, 2)) == (89, 156, Decimal("57.05"))
    assert headline(html, "ENV-PARKS") == {
        "Result to date": "89 parks", "Target": "156 parks", "% of target": "57.05% expected 68.58%", "Status": "At risk",
    }


def test_waste_collection_band_counts_31_7_12(html, figures):
    assert figures["ENV-WASTE-COLLECTION"].band_counts == {"high": 31, "middle": 7, "low": 12, "none": 0}
    assert band_counts(html, "ENV-WASTE-COLLECTION") == [("≥ 100%", 31), ("50% – < 100%", 7), ("< 50%", 12)]


def test_waste_separation_figures_and_bands_5_41_4(html, figures):
    separation = figures["ENV-WASTE-SEPARATION"]
    assert (separation.result, separation.target.target_value) == (49_574, 73_200)
    assert band_counts(html, "ENV-WASTE-SEPARATION") == [("≥ 100%", 5), ("25% – < 100%", 41), ("< 25%", 4)]


def test_waste_points_allocated_and_not_reporting(html, figures):
    points = figures["ENV-WASTE-POINTS"]
    assert (points.target.target_value, points.allocated, points.status) == (2_473, 2_473, Status.NOT_REPORTING)
    assert headline(html, "ENV-WASTE-POINTS")["Status"] == "Not reporting yet"


def test_the_districts_furthest_behind_are_named_lowest_first(html):
    shown = re.search(r'data-lagging="ENV-TREES">(.*?)</p>', html, flags=re.S).group(1)
    assert re.findall(r'<a href="/districts/(\d+)/[^"]*">', shown) == ["1039", "1041", "1046", "1011", "1043"]
    assert text_of(shown) == (
        "Furthest behind: Watthana 63.11% · Lak Si 63.33% · Khlong Sam Wa 71.06% · Lat Krabang 75.95% · Khan Na Yao 76.41%"
    )
    # The same five, worked out from the rows without the figures' code: every demo result counts by then.
    results = dict(
        Result.objects.filter(target__code="ENV-TREES").values("unit__code").annotate(total=Sum("value")).values_list("unit__code", "total")
    )
    shares = sorted(
        (results.get(code, 0) * 100 / value, code)
        for code, value in Allocation.objects.filter(target__code="ENV-TREES").values_list("unit__code", "value")
    )
    assert [code for _share, code in shares[:5]] == ["1039", "1041", "1046", "1011", "1043"]
    assert 'data-lagging="ENV-WASTE-POINTS"' not in html  # nobody has reported yet


def test_okr_and_project_summary(html):
    for figure, value in (("okrs", 26), ("bound", 26), ("projects", 97), ("reported", 97), ("completed", 5), ("in_progress", 92)):
        assert f'data-figure="{figure}">{value}<' in html


def test_query_budget_is_constant(queries_before_and_after_doubling):
    before, after = queries_before_and_after_doubling(URL)
    assert before <= 15
    assert after == before


def test_unknown_bureau_is_404(client):
    assert client.get("/bureaus/NOPE/").status_code == 404
