"""What the pages say about the rules of counting: unverified parts, the partial month, baselines, not reporting yet."""
import datetime
import json
import re

import pytest

from tests.helpers import cells, page_html, section, text_of
from tests.helpers import headline as card
from tracker.org.models import Unit
from tracker.targets.models import Target
from tracker.targets.recording import record_result

pytestmark = pytest.mark.django_db
AS_OF = "as_of=2024-06-07"


def chart_data(html):
    return json.loads(re.search(r'id="target-chart-data" type="application/json">(.*?)</script>', html, re.S).group(1))


def headline(html):
    return text_of(re.search(r'<dl class="headline" id="headline">(.*?)</dl>', html, flags=re.S).group(1))


@pytest.fixture
def submitted_june():
    """Phra Nakhon submits 12,340 trees for June: counted, not yet verified."""
    record_result(
        target=Target.objects.get(code="ENV-TREES"), unit=Unit.objects.get(code="1001"),
        period=datetime.date(2024, 6, 1), value=12_340, state="submitted", by=None,
    )


@pytest.mark.parametrize(("language", "label", "result", "row"), [
    ("th", "ผลการดำเนินงานสะสม", "231,250 ต้น ในจำนวนนี้ยังไม่ได้ตรวจสอบ 12,340", "231,250 / 200,000 ต้น ในจำนวนนี้ยังไม่ได้ตรวจสอบ 12,340"),
    ("en", "Result to date", "231,250 trees of which 12,340 not yet verified", "231,250 / 200,000 trees of which 12,340 not yet verified"),
])
def test_every_page_says_how_much_is_not_yet_verified(client, submitted_june, language, label, result, row):
    target = page_html(client, "/targets/ENV-TREES/", HTTP_ACCEPT_LANGUAGE=language)
    shown = re.search(r'<dl class="headline" id="headline">(.*?)</dl>', target, flags=re.S).group(1)
    assert dict((text_of(dt), text_of(dd)) for dt, dd in re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", shown, flags=re.S))[label] == result
    assert card(page_html(client, "/bureaus/ENV/", HTTP_ACCEPT_LANGUAGE=language), "ENV-TREES")[label] == result
    assert cells(page_html(client, "/", HTTP_ACCEPT_LANGUAGE=language), "ENV-TREES")[1] == row


def test_a_fully_verified_figure_says_nothing_of_verification(client):
    assert 'data-figure="unverified"' not in page_html(client, f"/targets/ENV-TREES/?{AS_OF}")


def test_a_draft_is_not_on_any_page(client):
    record_result(
        target=Target.objects.get(code="ENV-WASTE-POINTS"), unit=Unit.objects.get(code="1001"),
        period=datetime.date(2024, 6, 1), value=999, state="draft", by=None,
    )
    html = page_html(client, "/targets/ENV-WASTE-POINTS/", HTTP_ACCEPT_LANGUAGE="en")
    assert "999" not in headline(html)
    assert "Not reporting yet" in headline(html)


def test_the_meetings_month_is_plotted_to_the_day(client):
    html = page_html(client, f"/targets/ENV-TREES/?{AS_OF}", HTTP_ACCEPT_LANGUAGE="en")
    data = chart_data(html)
    assert data["months"][7:10] == ["May 24", "7 Jun 24", "Jul 24"]
    assert data["toDate"][8] == 218_910
    assert data["expected"][8] == round(200_000 * 251 / 366, 2)  # the line at 7 June, not at 30 June
    assert data["toDate"][9] is None


def test_the_month_table_marks_the_partial_month_and_shows_no_report_as_a_dash(client):
    html = page_html(client, f"/targets/ENV-TREES/?{AS_OF}", HTTP_ACCEPT_LANGUAGE="en")
    rows = re.findall(r"<tr( class=\"partial\")?><th scope=\"row\">(.*?)</th>(.*?)</tr>", html.split('class="data month-table"')[1], re.S)
    june = next(r for r in rows if r[1].startswith("Jun 2024"))
    assert june[0] and "to 7 Jun 2024 only" in text_of(june[1])
    done, to_date, _line = [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", june[2])]
    assert (done, to_date) == ("–", "218,910")


def test_a_level_target_shows_its_baseline_and_is_judged_from_it(client):
    html = page_html(client, f"/targets/ENV-WASTE-COLLECTION/?{AS_OF}", HTTP_ACCEPT_LANGUAGE="en")
    text = headline(html)
    assert "Baseline 56.58% mean of the districts' first reports" in text
    assert "Expected by now 86.36%" in text
    assert "At risk" in text


def test_not_reporting_yet_on_the_overview(client):
    row = text_of(section(page_html(client, f"/?{AS_OF}", HTTP_ACCEPT_LANGUAGE="en"), "ENV-WASTE-POINTS"))
    assert "Not reporting yet" in row and "Off track" not in row
