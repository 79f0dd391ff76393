"""'Since the last meeting': the bureau, target and overview pages compare their figures with an
earlier day — ?since=, or by default the latest follow-up meeting before the date shown."""
import datetime
import re
from decimal import Decimal

import pytest
from django.db.models import Sum

from tests.helpers import page_html, section, text_of
from tracker.lib import fiscal
from tracker.meetings.models import Meeting
from tracker.meetings.recording import create_meeting
from tracker.targets import progress
from tracker.targets.models import Result, Target
from tracker.targets.progress import round2
from tracker.targets.rules import expected_percent

pytestmark = pytest.mark.django_db
MAY_7, JUNE_7 = datetime.date(2024, 5, 7), datetime.date(2024, 6, 7)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
BUREAU = "/bureaus/ENV/?as_of=2024-06-07&since=2024-05-07"
TARGET = "/targets/ENV-TREES/?as_of=2024-06-07&since=2024-05-07"
OVERVIEW = "/?as_of=2024-06-07&since=2024-05-07"


def entered(code, after=None, until=JUNE_7):
    """The counted results of a target entered after the end of ``after`` and by the end of ``until``,
    read straight from the results (the demo's results were never changed after entry)."""
    results = Result.objects.filter(
        target__code=code, state__in=Result.COUNTED_STATES, entered_at__lt=fiscal.end_of_day(until),
        period__lte=fiscal.month_start(until), unit__allocations__target__code=code,
    )
    if after is not None:
        results = results.filter(entered_at__gte=fiscal.end_of_day(after))
    return results


def total(code, after=None, until=JUNE_7):
    return entered(code, after, until).aggregate(total=Sum("value"))["total"] or Decimal(0)


def change(html, code, name):
    block = re.search(r'<section class="since-block".*?</section>', section(html, code), flags=re.S).group(0)
    found = re.search(rf'data-change="{name}">(?:<dt>.*?</dt>\s*<dd>(.*?)</dd>|(.*?)</p>)', block, flags=re.S)
    return text_of(found.group(1) or found.group(2))


@pytest.fixture
def bureau(client):
    return page_html(client, BUREAU, **EN)


def test_the_result_changed_by_the_results_entered_between_the_two_days(bureau):
    before, after = total("ENV-TREES", until=MAY_7), total("ENV-TREES")
    assert after - before == total("ENV-TREES", after=MAY_7) > 0
    shown = change(bureau, "ENV-TREES", "result")
    assert f"{before:,.0f} → {after:,.0f} +{after - before:,.0f}" in shown


def test_percent_expected_and_status_before_and_now(bureau):
    trees = Target.objects.get(code="ENV-TREES")
    before = round2(total("ENV-TREES", until=MAY_7) * 100 / trees.target_value)
    after = round2(total("ENV-TREES") * 100 / trees.target_value)
    assert f"{before}% → {after}% +{after - before} points" in change(bureau, "ENV-TREES", "percent")
    expected = [round2(expected_percent(trees.start_date, trees.deadline, day)) for day in (MAY_7, JUNE_7)]
    assert f"{expected[0]}% → {expected[1]}%" in change(bureau, "ENV-TREES", "expected")
    # 92.26% on 7 May against 60.11% expected: on track; achieved by the meeting.
    assert change(bureau, "ENV-TREES", "status") == "On track → Achieved"
    assert change(bureau, "ENV-PARKS", "status").startswith("At risk unchanged")


def test_band_movements_are_said_in_the_chips_words(bureau):
    trees = Target.objects.filter(code__in=["ENV-TREES", "ENV-PARKS"])
    before, after = progress.compute(trees, MAY_7), progress.compute(trees, JUNE_7)
    for target in trees:
        moved = {b: after[target.pk].band_counts[b] - before[target.pk].band_counts[b] for b in ("high", "middle", "low")}
        shown = change(bureau, target.code, "bands")
        low, high = f"{target.band_low:.0f}", f"{target.band_high:.0f}"
        words = {"high": f"≥ {high}%", "middle": f"{low}% – < {high}%", "low": f"< {low}%"}
        for band, n in moved.items():
            if n > 0:
                assert f"+{n} districts to {words[band]}" in shown or f"+{n} district to {words[band]}" in shown
            elif n < 0:
                assert f"−{-n} districts from {words[band]}" in shown or f"−{-n} district from {words[band]}" in shown
            else:
                assert words[band] not in shown
    assert "+15 districts to ≥ 100%" in change(bureau, "ENV-TREES", "bands")


def test_the_districts_that_reported_since_are_named(bureau):
    codes = set(entered("ENV-PARKS", after=MAY_7).values_list("unit__code", flat=True))
    block = section(bureau, "ENV-PARKS")
    assert set(re.findall(r'data-reported="(\d+)"', block)) == codes
    assert f"{len(codes)} of 50 districts reported since" in text_of(block)


def test_nobody_reported_since_a_day_after_the_last_report(client):
    html = page_html(client, "/bureaus/ENV/?as_of=2024-06-07&since=2024-06-06", **EN)
    assert "No new report since." in text_of(section(html, "ENV-TREES"))
    assert change(html, "ENV-TREES", "result").endswith("±0 trees")


def test_the_comparison_line_says_its_date_in_be_in_thai(client):
    html = page_html(client, BUREAU)
    assert "7 พ.ค. 2567" in text_of(section(html, "ENV-TREES"))
    assert 'name="since" id="id_since" value="7/5/2567"' in html  # typed back as Thai readers write it
    assert page_html(client, "/bureaus/ENV/?as_of=2567-06-07&since=7/5/2567").count('data-since="2024-05-07"') == 6


def test_on_the_meeting_day_there_is_no_earlier_meeting_so_no_comparison(client):
    html = page_html(client, "/bureaus/ENV/?as_of=2024-06-07", **EN)
    assert "since-block" not in html
    assert "No comparison with an earlier date" in text_of(html)


def test_by_default_the_bureau_compares_with_its_previous_meeting(client):
    create_meeting(Meeting(host=Meeting.objects.get(date=JUNE_7).host, date=MAY_7, chair_th="ประธานที่ปรึกษาฯ"), None)
    may = Meeting.objects.get(date=MAY_7)
    html = page_html(client, "/bureaus/ENV/?as_of=2024-06-07", **EN)  # the 7 June meeting's own day
    assert html.count('data-since="2024-05-07"') == 6
    assert "Since the meeting of 7 May 2024" in text_of(section(html, "ENV-TREES"))
    assert f'href="/meetings/{may.pk}/"' in html
    later = page_html(client, "/bureaus/ENV/?as_of=2024-06-20", **EN)
    assert "Since the meeting of 7 Jun 2024" in text_of(section(later, "ENV-TREES"))


def test_the_picker_offers_the_meeting_30_days_and_the_fiscal_year_keeping_the_date(client):
    html = page_html(client, "/bureaus/ENV/?as_of=2024-06-20", **EN)
    picker = re.search(r"<div class=\"since-picker.*?</nav>", html, flags=re.S).group(0)
    links = dict(re.findall(r'href="([^"]*)" data-since-option="(\w+)"', picker))
    assert {kind: url for url, kind in links.items()} == {
        "meeting": "?as_of=2024-06-20",
        "days": "?as_of=2024-06-20&amp;since=2024-05-21",
        "fiscal_year": "?as_of=2024-06-20&amp;since=2023-09-30",
        "none": "?as_of=2024-06-20&amp;since=none",
    }
    assert "previous meeting (7 Jun 2024)" in text_of(picker)
    assert re.search(r'aria-current="true">previous meeting', picker)
    start = page_html(client, "/bureaus/ENV/?as_of=2024-06-20&since=2023-09-30", **EN)
    assert "Since the start of FY 2567 BE" in text_of(section(start, "ENV-TREES"))
    assert change(start, "ENV-TREES", "result").startswith(f"0 → {total('ENV-TREES', until=datetime.date(2024, 6, 20)):,.0f}")
    none = page_html(client, "/bureaus/ENV/?as_of=2024-06-20&since=none", **EN)
    assert "since-block" not in none
    # An explicit choice travels with the date to the other pages.
    assert 'href="/targets/ENV-TREES/?as_of=2024-06-20&amp;since=none"' in none


def test_a_comparison_date_on_or_after_the_figures_date_is_refused_and_says_why(client):
    html = page_html(client, "/bureaus/ENV/?as_of=2024-06-07&since=2024-06-07", **EN)
    assert "Compare with a day before the date of the figures." in html
    assert "since-block" not in html
    assert "Enter a valid date" in page_html(client, "/bureaus/ENV/?as_of=2024-06-07&since=junk", **EN)


def test_the_target_page_shows_the_same_change(client):
    html = page_html(client, TARGET, **EN)
    block = text_of(re.search(r'<section class="since-block".*?</section>', html, flags=re.S).group(0))
    before, after = total("ENV-TREES", until=MAY_7), total("ENV-TREES")
    assert "Since 7 May 2024" in block and f"+{after - before:,.0f} trees" in block
    assert "+15 districts to ≥ 100%" in block


def test_the_target_page_compares_with_its_hosts_previous_meeting(client):
    html = page_html(client, "/targets/ENV-PARKS/?as_of=2024-06-20", **EN)
    assert "Since the meeting of 7 Jun 2024" in text_of(html)


def test_the_overview_shows_an_arrow_with_the_change_of_percent(client):
    html = page_html(client, OVERVIEW, **EN)
    parks = Target.objects.get(code="ENV-PARKS")
    before = round2(total("ENV-PARKS", until=MAY_7) * 100 / parks.target_value)
    after = round2(total("ENV-PARKS") * 100 / parks.target_value)
    row = section(html, "ENV-PARKS")
    assert 'data-trend="up"' in row
    assert f"▲ +{after - before}" in text_of(row)
    assert re.search(rf'class="visually-hidden">up {after - before} points since 7 May 2024<', row)
    points = section(html, "ENV-WASTE-POINTS")  # nothing reported yet: no change
    assert 'data-trend="flat"' in points and "unchanged since 7 May 2024" in text_of(points)


def test_the_overview_compares_by_default_with_the_latest_meeting_before_the_date(client):
    html = page_html(client, "/?as_of=2024-06-20", **EN)
    assert "Since the meeting of Environment Department on 7 Jun 2024" in text_of(html)
    assert "since 7 Jun 2024" in text_of(section(html, "ENV-TREES"))
    assert "data-trend" not in page_html(client, "/?as_of=2024-06-07", **EN)


def test_the_overview_links_the_latest_meeting_held_by_the_date(client):
    meeting = Meeting.objects.get(date=JUNE_7)
    html = page_html(client, "/?as_of=2024-06-07", **EN)
    line = re.search(r'<p class="latest-meeting".*?</p>', html, flags=re.S).group(0)
    assert f'href="/meetings/{meeting.pk}/"' in line and 'href="/meetings/"' in line
    assert "Latest follow-up meeting: Environment Department, 7 Jun 2024 →" in text_of(line)
    assert "latest-meeting" not in page_html(client, "/?as_of=2024-06-06", **EN)


def test_query_budgets_stay_constant(queries_before_and_after_doubling):
    before, after = queries_before_and_after_doubling(BUREAU)
    assert before <= 20 and after == before


def test_target_page_query_budget_is_constant(queries_before_and_after_doubling):
    before, after = queries_before_and_after_doubling(TARGET)
    assert before <= 17 and after == before


def test_overview_query_budget_is_constant(queries_before_and_after_doubling):
    before, after = queries_before_and_after_doubling(OVERVIEW, OVERVIEW)
    assert before <= 16 and after == before


def test_default_comparison_query_budget(client, django_assert_max_num_queries):
    create_meeting(Meeting(host=Meeting.objects.get(date=JUNE_7).host, date=MAY_7, chair_th="ประธานที่ปรึกษาฯ"), None)
    with django_assert_max_num_queries(20):
        page_html(client, "/bureaus/ENV/?as_of=2024-06-07")
    with django_assert_max_num_queries(16):
        page_html(client, "/?as_of=2024-06-20")
