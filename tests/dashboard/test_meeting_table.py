"""The pages as an adviser uses them at the meeting table (issue 10): worst first, filters that say
what they did, empty states, the lagging districts, the bureau's small charts, BE dates."""
import datetime
import json
import re
from decimal import Decimal

import pytest
from django.templatetags.static import static

from tests.helpers import page_html, text_of
from tracker.dashboard.laggards import laggards, lagging_tail
from tracker.org.models import District
from tracker.targets import progress
from tracker.targets.models import Result, Target

pytestmark = pytest.mark.django_db
AS_OF = "as_of=2024-06-07"
MEETING = datetime.date(2024, 6, 7)


def figure_of(code, monthly=False):
    target = Target.objects.for_pages().get(code=code)
    return progress.compute([target], MEETING, monthly=monthly)[target.pk]


def district_codes(html):
    table = re.search(r'<table[^>]*id="district-table".*?</table>', html, flags=re.S).group(0)
    return re.findall(r'<td class="code optional">(\d+)</td>', table)


def json_data(html, element_id):
    return json.loads(re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, flags=re.S).group(1))


# 1. Worst first, and back to the table after a sort or a filter.

def test_district_table_puts_the_lowest_percent_first(client):
    html = page_html(client, f"/targets/ENV-WASTE-SEPARATION/?{AS_OF}")
    figure = figure_of("ENV-WASTE-SEPARATION")
    worst_first = sorted(figure.districts, key=lambda u: (-1 if u.percent is None else u.percent, u.unit.code))
    assert district_codes(html) == [u.unit.code for u in worst_first]
    assert district_codes(html)[0] == "1023"  # Nong Khaem, 11.05%


def test_a_chosen_sort_still_wins(client):
    assert district_codes(page_html(client, f"/targets/ENV-TREES/?{AS_OF}&sort=code"))[:3] == ["1001", "1002", "1003"]


def test_sort_links_and_the_filter_come_back_to_the_table(client):
    html = page_html(client, f"/targets/ENV-TREES/?{AS_OF}")
    assert re.search(r'<section class="panel" id="districts"', html)
    table = re.search(r'<table[^>]*id="district-table".*?</thead>', html, flags=re.S).group(0)
    links = re.findall(r'<a href="([^"]*)"', table)
    assert len(links) == 8 and all(link.endswith("#districts") and "as_of=2024-06-07" in link for link in links)
    assert re.search(r'<form method="get" action="#districts"', html)


def test_the_filter_keeps_the_sort(client):
    html = page_html(client, f"/targets/ENV-TREES/?{AS_OF}&sort=-rank")
    form = re.search(r'<form method="get" action="#districts".*?</form>', html, flags=re.S).group(0)
    assert '<input type="hidden" name="sort" value="-rank">' in form


def test_district_page_puts_the_targets_furthest_behind_first(client):
    html = page_html(client, f"/districts/1001/?{AS_OF}")
    table = re.search(r'<table class="data" id="district-targets">.*?</table>', html, flags=re.S).group(0)
    order = re.findall(r'<tr data-target="([\w-]+)"', table)
    # Waste points: allocated, not reported; then 50%, 65.64%, 85.01%, 155.85% with its sub-target under it.
    assert order == [
        "ENV-WASTE-POINTS", "ENV-PARKS", "ENV-WASTE-COLLECTION", "ENV-WASTE-SEPARATION", "ENV-TREES", "ENV-TREES-PERENNIAL",
    ]
    months = re.search(r'id="district-months">.*?</table>', html, flags=re.S).group(0)
    assert text_of(months).index("จุดทิ้งขยะ") < text_of(months).index("ปลูกต้นไม้")


# 2. The band filter speaks as the band chips do.

@pytest.mark.parametrize("code", ["ENV-TREES", "ENV-WASTE-SEPARATION"])
def test_band_filter_uses_the_band_chips_words(client, code):
    html = page_html(client, f"/targets/{code}/?{AS_OF}", HTTP_ACCEPT_LANGUAGE="en")
    select = re.search(r'<select name="band"[^>]*>(.*?)</select>', html, flags=re.S).group(1)
    options = dict(re.findall(r'<option value="(\w+)"[^>]*>([^<]*)</option>', select))
    chips = dict(re.findall(r'<li><span class="band band-(\w+)">([^<]*)</span>', re.search(r'<ul class="band-counts".*?</ul>', html, re.S).group(0)))
    for band, words in chips.items():
        assert options[band] == words
    target = Target.objects.get(code=code)
    assert options["middle"] == f"{target.band_low:.0f}% – &lt; {target.band_high:.0f}%"


def test_separation_filter_says_25_percent(client):
    html = page_html(client, f"/targets/ENV-WASTE-SEPARATION/?{AS_OF}")
    assert '<option value="middle">25% – &lt; 100%</option>' in html


# 3. A filter that keeps nothing says so.

def test_empty_filter_says_so_and_links_back(client):
    html = page_html(client, f"/targets/ENV-TREES/?{AS_OF}&band=low&sort=-rank", HTTP_ACCEPT_LANGUAGE="en")
    assert district_codes(html) == []
    body = re.search(r'<table[^>]*id="district-table".*?<tbody[^>]*>(.*?)</tbody>', html, flags=re.S).group(1)
    assert "No district matches this filter." in text_of(body)
    href = re.search(r'<a href="([^"]*)" data-clear-filter>', body).group(1).replace("&amp;", "&")
    assert href == "?as_of=2024-06-07&sort=-rank#districts"
    assert len(district_codes(page_html(client, f"/targets/ENV-TREES/{href.split('#')[0]}"))) == 50


def test_a_table_with_no_filter_says_nothing_of_filters(client):
    assert "data-clear-filter" not in page_html(client, f"/targets/ENV-TREES/?{AS_OF}")


# 4. A target no one has reported on: a short message, no empty charts.

def test_target_no_one_has_reported_shows_an_empty_state(client):
    html = page_html(client, f"/targets/ENV-WASTE-POINTS/?{AS_OF}", HTTP_ACCEPT_LANGUAGE="en")
    empty = re.search(r'<section class="panel empty-state" id="no-results".*?</section>', html, flags=re.S)
    assert empty and "No result has been reported yet" in text_of(empty.group(0))
    assert "2,473 points in all" in text_of(empty.group(0))
    for absent in ("<canvas", 'class="tilemap"', "target-chart-data", "chart.umd", 'id="laggards"'):
        assert absent not in html, absent
    assert len(district_codes(html)) == 50  # the allocations still show


def test_target_with_results_has_its_charts_and_no_empty_state(client):
    html = page_html(client, f"/targets/ENV-TREES/?{AS_OF}")
    assert 'id="no-results"' not in html
    assert html.count("<canvas") == 3 and 'class="tilemap"' in html


def test_a_reported_target_before_its_first_report_is_empty_too(client):
    html = page_html(client, "/targets/ENV-TREES/?as_of=2023-10-01")
    assert 'id="no-results"' in html and "<canvas" not in html


# 5. "Furthest behind" says how many more stand at the same level.

def _zero(code, count):
    """Puts ``count`` more districts of target ``code`` at 0%: the lowest that have reported something."""
    figure = figure_of(code)
    moved = sorted((u for u in figure.districts if u.percent), key=lambda u: (u.percent, u.unit.code))[:count]
    Result.objects.filter(target__code=code, unit__in=[u.unit for u in moved]).update(value=0)


def test_lagging_tail_counts_the_districts_tied_with_the_last_shown():
    assert lagging_tail(figure_of("ENV-PARKS")) is None  # five districts at 0%, all five shown
    _zero("ENV-PARKS", 9)
    figure = figure_of("ENV-PARKS")
    assert [u.percent_display for u in figure.lagging] == [Decimal("0.00")] * 5
    assert lagging_tail(figure) == (9, Decimal("0.00"))


def test_bureau_page_says_how_many_more_are_at_the_lowest_level(client):
    _zero("ENV-PARKS", 9)
    html = page_html(client, f"/bureaus/ENV/?{AS_OF}", HTTP_ACCEPT_LANGUAGE="en")
    shown = re.search(r'data-lagging="ENV-PARKS">(.*?)</p>', html, flags=re.S).group(1)
    assert 'data-lagging-more="9"' in shown and "and 9 more at 0.00%" in text_of(shown)
    trees = re.search(r'data-lagging="ENV-TREES">(.*?)</p>', html, flags=re.S).group(1)
    assert "data-lagging-more" not in trees


# 7. Dates in BE.

@pytest.mark.parametrize("typed", ["2567-06-07", "7/6/2567", "07/06/2567", "2024-06-07"])
def test_as_of_accepts_be_dates(client, typed):
    html = page_html(client, f"/?as_of={typed}")
    assert re.search(r'<span class="as-of-text">7 มิ.ย. 2567', html)
    assert 'class="form-error"' not in html


@pytest.mark.parametrize("typed", ["31/2/2567", "2567-13-01", "7.6.2567"])
def test_bad_be_dates_keep_today_and_say_why(client, typed):
    html = page_html(client, f"/?as_of={typed}")
    assert 'class="form-error"' in html


def test_date_picker_gets_thai_months_and_be_years(client):
    data = json_data(page_html(client, f"/targets/ENV-TREES/?{AS_OF}"), "as-of-picker-data")
    assert data["months"][5] == "มิถุนายน" and data["yearOffset"] == 543
    english = json_data(page_html(client, f"/districts/1001/?{AS_OF}", HTTP_ACCEPT_LANGUAGE="en"), "as-of-picker-data")
    assert english["months"][5] == "Jun" and english["yearOffset"] == 0


@pytest.mark.parametrize("url", [f"/?{AS_OF}", f"/bureaus/ENV/?{AS_OF}", f"/targets/ENV-TREES/?{AS_OF}", f"/targets/ENV-WASTE-POINTS/?{AS_OF}", f"/districts/1001/?{AS_OF}"])
def test_every_page_with_a_date_loads_the_picker_and_no_inline_script(client, url):
    html = page_html(client, url)
    assert f'<script src="{static("js/as-of-picker.js")}">' in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


# 8. The bureau page's small chart per target.

def test_bureau_page_draws_a_line_per_target_with_results(client):
    html = page_html(client, f"/bureaus/ENV/?{AS_OF}")
    data = json_data(html, "bureau-chart-data")
    reporting = {"ENV-TREES", "ENV-TREES-PERENNIAL", "ENV-PARKS", "ENV-WASTE-COLLECTION", "ENV-WASTE-SEPARATION"}
    assert set(data["targets"]) == reporting
    assert set(re.findall(r'<canvas data-sparkline="([\w-]+)"', html)) == reporting
    trees = data["targets"]["ENV-TREES"]
    assert len(trees["months"]) == 12 and trees["toDate"][7] == 218_910 and trees["expected"][-1] == 200_000
    assert trees["months"][8] == "7 มิ.ย. 67" and trees["toDate"][8] == 218_910  # the partial month runs to the date
    assert trees["toDate"][9:] == [None] * 3  # nothing drawn after the date shown
    assert f'<script src="{static("js/chart-sparkline.js")}">' in html


def test_bureau_page_query_budget_with_the_charts(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        assert client.get(f"/bureaus/ENV/?{AS_OF}").status_code == 200


# 9. A bad fiscal year keeps the date.

@pytest.mark.parametrize("url", ["/", "/bureaus/ENV/", "/districts/1001/"])
def test_bad_fiscal_year_keeps_the_date(client, url):
    html = page_html(client, f"{url}?as_of=2024-06-07&fy=abc")
    assert re.search(r'<span class="as-of-text">7 มิ.ย. 2567 · ปีงบประมาณ พ.ศ. 2567', html)
    assert 'class="form-error"' in html


# 10. The lagging districts of a target.

def test_laggards_are_below_the_line_worst_first_with_their_last_three_months():
    figure = figure_of("ENV-WASTE-SEPARATION")
    found = laggards(figure)
    behind = sorted((u for u in figure.districts if u.percent < figure.expected), key=lambda u: (u.percent, u.unit.code))
    assert [r.unit.unit.code for r in found.rows] == [u.unit.code for u in behind[:10]]
    assert found.more == len(behind) - 10 == 15
    assert found.months == [datetime.date(2024, 3, 1), datetime.date(2024, 4, 1), datetime.date(2024, 5, 1)]
    nong_khaem = District.objects.get(code="1023")
    values = progress.unit_months(nong_khaem, [figure.target], MEETING)
    assert found.rows[0].values == [(m, values.get((figure.target.pk, m))) for m in found.months]
    assert found.silent == []


def test_target_page_shows_laggards_their_notes_and_the_silent(client):
    Result.objects.filter(target__code="ENV-TREES", unit__code="1039", period=datetime.date(2024, 5, 1)).update(
        note="Planting moved to the rainy season",
    )
    # Deleted as the product deletes (the row and its history stay): 1050 has then never reported.
    Result.objects.filter(target__code="ENV-TREES", unit__code="1050").update(state=Result.State.DELETED)
    html = page_html(client, f"/targets/ENV-TREES/?{AS_OF}", HTTP_ACCEPT_LANGUAGE="en")
    section = re.search(r'<section class="panel" id="laggards".*?</section>', html, flags=re.S).group(0)
    assert "Lagging districts" in text_of(section)
    rows = re.findall(r'<tr data-laggard="(\d+)">(.*?)</tr>', section, flags=re.S)
    assert [code for code, _ in rows] == ["1039", "1041"]  # Wattana 63.11%, Lak Si 63.33%: below 68.58%
    wattana = text_of(rows[0][1])
    assert "63.11%" in wattana and "289 358 570" in wattana
    assert "May 2024: Planting moved to the rainy season" in wattana
    silent = re.search(r'<p data-silent="1">(.*?)</p>', section, flags=re.S).group(1)
    assert "/districts/1050/" in silent


def test_district_chart_has_the_expected_line(client):
    data = json_data(page_html(client, f"/targets/ENV-TREES/?{AS_OF}"), "target-chart-data")
    assert data["expectedPercent"] == 68.58


def test_target_page_with_laggards_keeps_its_query_budget(queries_before_and_after_doubling):
    before, after = queries_before_and_after_doubling(f"/targets/ENV-WASTE-SEPARATION/?{AS_OF}", f"/targets/COPY-ENV-WASTE-SEPARATION/?{AS_OF}")
    assert before <= 14
    # Not more on twice the data; one fewer when, as for the copy, no result has a history yet
    # (the revisions' authors and results are then not read).
    assert after <= before
