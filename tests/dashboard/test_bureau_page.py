"""The Environment Department's follow-up page shows every figure of the 7 June 2024 meeting."""
import re

import pytest

from tests.helpers import page_html, section, text_of

pytestmark = pytest.mark.django_db
URL = "/bureaus/ENV/?as_of=2024-06-07"


@pytest.fixture
def html(client):
    return page_html(client, URL)


def test_trees_and_perennial_figures(html):
    trees = text_of(section(html, "ENV-TREES"))
    assert "218,910" in trees and "200,000" in trees
    perennial = text_of(section(html, "ENV-TREES-PERENNIAL"))
    assert "45,719" in perennial and "157,567" in perennial


def test_parks_57_05_percent(html):
    parks = text_of(section(html, "ENV-PARKS"))
    assert "89" in parks and "156" in parks and "57.05%" in parks


def test_waste_collection_band_counts_31_7_12(html):
    collection = text_of(section(html, "ENV-WASTE-COLLECTION"))
    assert "≥ 100% 31" in collection
    assert "50% – < 100% 7" in collection
    assert "< 50% 12" in collection


def test_waste_separation_figures_and_bands_5_41_4(html):
    separation = text_of(section(html, "ENV-WASTE-SEPARATION"))
    assert "49,574" in separation and "73,200" in separation
    assert "≥ 100% 5" in separation and "25% – < 100% 41" in separation and "< 25% 4" in separation


def test_waste_points_allocated_and_not_reporting(html):
    points = text_of(section(html, "ENV-WASTE-POINTS"))
    assert "2,473" in points
    assert "ยังไม่เริ่มรายงาน" in points or "Reporting has not started" in points


def test_the_districts_furthest_behind_are_named_lowest_first(html, meeting_day):
    from tracker.targets import progress
    from tracker.targets.models import Target

    trees = Target.objects.get(code="ENV-TREES")
    districts = progress.compute([trees], meeting_day)[trees.pk].districts
    lowest = sorted(districts, key=lambda u: (u.percent, u.unit.code))[:5]
    shown = re.search(r'data-lagging="ENV-TREES">(.*?)</p>', html, flags=re.S).group(1)
    names = re.findall(r'<a href="/districts/(\d+)/[^"]*">', shown)
    assert names == [u.unit.code for u in lowest]
    assert f"{lowest[0].percent:.2f}%" in text_of(shown)
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
