"""The overview: every urgent target grouped by host bureau, with result, %, status and bands."""
import datetime
import re

import pytest

from tests.helpers import cells, page_html, section, text_of

pytestmark = pytest.mark.django_db
URL = "/?as_of=2024-06-07"


@pytest.fixture
def html(client):
    return page_html(client, URL)


def test_targets_are_grouped_under_their_host(html):
    assert "สำนักสิ่งแวดล้อม" in html
    for code in ("ENV-TREES", "ENV-TREES-PERENNIAL", "ENV-PARKS", "ENV-WASTE-COLLECTION", "ENV-WASTE-SEPARATION", "ENV-WASTE-POINTS"):
        assert f'data-target="{code}"' in html


def test_rows_show_result_percent_status_and_last_report(html):
    assert cells(html, "ENV-TREES") == [
        "ปลูกต้นไม้ ENV-TREES", "218,910 / 200,000 ต้น", "109.46%", "", "บรรลุเป้าหมาย",  # achieved
        "≥ 100% 33 เขต 50% – < 100% 17 เขต < 50% 0 เขต", "5 มิ.ย. 2567",  # last reported, in BE
    ]
    assert cells(html, "ENV-PARKS")[1:3] == ["89 / 156 แห่ง", "57.05%"]


def test_status_filter_keeps_matching_targets_only(client):
    html = client.get(URL + "&status=achieved").content.decode()
    assert 'data-target="ENV-TREES"' in html
    assert 'data-target="ENV-PARKS"' not in html


def test_status_summary_counts_the_targets_and_links_to_each_status(html, meeting_day):
    from tracker.targets import progress
    from tracker.targets.models import Target

    summary = re.search(r'<ul class="status-summary"[^>]*>(.*?)</ul>', html, flags=re.S).group(1)
    shown = {status: int(count) for status, count in re.findall(
        r'href="[^"]*status=(\w+)"[^>]*>.*?<strong>(\d+)</strong>', summary, flags=re.S)}
    statuses = [f.status for f in progress.compute(Target.objects.filter(fiscal_year=2567), meeting_day).values()]
    assert shown == {status: statuses.count(status) for status in set(statuses)}
    # The meeting's six targets: trees achieved, waste collection on track, parks and waste
    # separation at risk, perennial trees and waste points off track.
    # Waste collection is judged from its baseline (at risk, not on track); waste points report nothing yet.
    assert shown == {"achieved": 1, "at_risk": 3, "off_track": 1, "not_reporting": 1}


def test_after_the_deadline_targets_are_achieved_or_missed(client):
    html = client.get("/?as_of=2024-10-15", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Missed" in text_of(section(html, "ENV-PARKS"))
    assert "Achieved" in text_of(section(html, "ENV-TREES"))


def test_english_page_uses_ce_dates(client):
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "7 Jun 2024" in html
    assert "Environment Department" in html


def test_query_budget_is_constant(queries_before_and_after_doubling):
    before, after = queries_before_and_after_doubling(URL)
    assert before <= 15
    assert after == before


def test_a_bad_fiscal_year_keeps_the_date_and_says_why(client):
    response = client.get("/?as_of=2024-06-07&fy=abc", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["as_of"] == datetime.date(2024, 6, 7)
    assert response.context["keep"] == "?as_of=2024-06-07"
    assert "Enter a whole number" in response.content.decode()
