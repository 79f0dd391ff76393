"""The target page: headline figures, chart data, tile map, per-district table and its exports."""
import csv
import datetime
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from tests.helpers import text_of

pytestmark = pytest.mark.django_db
AS_OF = "as_of=2024-06-07"


def headline(html):
    return text_of(re.search(r'<dl class="headline" id="headline">(.*?)</dl>', html, flags=re.S).group(1))


@pytest.mark.parametrize(
    "code, figures",
    [
        ("ENV-TREES", ["218,910", "200,000"]),
        ("ENV-TREES-PERENNIAL", ["45,719", "157,567"]),
        ("ENV-PARKS", ["89", "156", "57.05%"]),
        ("ENV-WASTE-SEPARATION", ["49,574", "73,200"]),
        ("ENV-WASTE-POINTS", ["2,473"]),
    ],
)
def test_headline_shows_the_reported_figures(client, code, figures):
    page = client.get(f"/targets/{code}/?{AS_OF}").content.decode()
    text = headline(page)
    for figure in figures:
        assert figure in text, (code, figure)


@pytest.mark.parametrize(
    "code, counts",
    [("ENV-WASTE-COLLECTION", {"high": 31, "middle": 7, "low": 12}), ("ENV-WASTE-SEPARATION", {"high": 5, "middle": 41, "low": 4})],
)
def test_band_counts_in_chart_data_and_text(client, code, counts):
    response = client.get(f"/targets/{code}/?{AS_OF}")
    data = json.loads(re.search(r'<script id="target-chart-data" type="application/json">(.*?)</script>', response.content.decode(), re.S).group(1))
    assert {b["key"]: b["count"] for b in data["bands"] if b["key"] != "none"} == counts
    listed = re.search(r'<ul class="band-counts".*?</ul>', response.content.decode(), re.S).group(0)
    shown = dict(re.findall(r'<span class="band band-(\w+)">.*?</span> <strong>(\d+)</strong>', listed))
    assert {band: int(n) for band, n in shown.items()} == counts


def test_chart_data_has_months_trajectory_and_forecast(client):
    response = client.get(f"/targets/ENV-TREES/?{AS_OF}")
    data = json.loads(re.search(r'id="target-chart-data" type="application/json">(.*?)</script>', response.content.decode(), re.S).group(1))
    assert len(data["months"]) == 12
    assert data["months"][0] == "ต.ค. 66"
    assert data["toDate"][7] == 218_910  # May 2024, the last month reported to the meeting
    assert data["expected"][-1] == 200_000
    assert data["forecast"][-1] > 218_910
    assert len(data["districts"]) == 50
    percents = [d["percent"] for d in data["districts"]]
    assert percents == sorted(percents, reverse=True)


def test_tile_map_has_50_districts_coloured_by_band(client):
    page = client.get(f"/targets/ENV-WASTE-COLLECTION/?{AS_OF}").content.decode()
    tiles = re.findall(r'<a class="tile band-(\w+)', page)
    assert len(tiles) == 50
    assert tiles.count("high") == 31 and tiles.count("middle") == 7 and tiles.count("low") == 12


def _csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


@pytest.mark.parametrize(
    "code, total",
    [("ENV-TREES", 218_910), ("ENV-TREES-PERENNIAL", 45_719), ("ENV-PARKS", 89), ("ENV-WASTE-SEPARATION", 49_574)],
)
def test_csv_export_sums_to_the_headline(client, code, total):
    response = client.get(f"/targets/{code}/?{AS_OF}&_export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert len(rows) == 50
    assert sum(Decimal(r["result"]) for r in rows) == total


def test_csv_export_of_a_level_target_averages_to_the_headline(client):
    rows = _csv_rows(client.get(f"/targets/ENV-WASTE-COLLECTION/?{AS_OF}&_export=csv", HTTP_ACCEPT_LANGUAGE="en"))
    levels = [Decimal(r["result"]) for r in rows]
    assert sum(1 for v in levels if v == 100) == 31
    page = client.get(f"/targets/ENV-WASTE-COLLECTION/?{AS_OF}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    mean = (sum(levels) / len(levels)).quantize(Decimal("0.01"))
    assert f"{mean}%" in headline(page)


def test_csv_export_columns(client):
    rows = _csv_rows(client.get(f"/targets/ENV-TREES/?{AS_OF}&_export=csv", HTTP_ACCEPT_LANGUAGE="en"))
    assert list(rows[0]) == [
        "target_code", "district_code", "district", "zone", "allocation", "result", "percent", "band", "rank",
    ]
    assert rows[0]["district_code"] == "1001"


def test_xlsx_export_sums_to_the_headline(client):
    response = client.get(f"/targets/ENV-TREES/?{AS_OF}&_export=xlsx", HTTP_ACCEPT_LANGUAGE="en")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    result = rows[0].index("result")
    assert sum(Decimal(str(row[result])) for row in rows[1:]) == 218_910


def test_table_filters_by_zone_and_band(client):
    page = client.get(f"/targets/ENV-WASTE-COLLECTION/?{AS_OF}&band=low").content.decode()
    table = re.search(r'<table[^>]*id="district-table".*?</table>', page, re.S).group(0)
    assert table.count('data-band="low"') == 12 and 'data-band="high"' not in table
    zone_one = client.get(f"/targets/ENV-TREES/?{AS_OF}&zone=1&_export=csv", HTTP_ACCEPT_LANGUAGE="en")
    assert len(_csv_rows(zone_one)) == 9


def test_table_sorts_by_percent(client):
    rows = _csv_rows(client.get(f"/targets/ENV-TREES/?{AS_OF}&sort=-percent&_export=csv", HTTP_ACCEPT_LANGUAGE="en"))
    percents = [Decimal(r["percent"]) for r in rows]
    assert percents == sorted(percents, reverse=True)
    assert rows[0]["rank"] == "1"


def test_unreported_target_sorts_without_error(client):
    response = client.get(f"/targets/ENV-WASTE-POINTS/?{AS_OF}&sort=-percent")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("th", "การกระจายรายเขตเป็นข้อมูลสาธิต", "invented demo data"), ("en", "invented demo data", "ข้อมูลสาธิต")],
)
def test_the_demo_data_is_labelled_in_the_readers_language(client, language, shown, hidden):
    page = text_of(client.get(f"/targets/ENV-TREES/?{AS_OF}", HTTP_ACCEPT_LANGUAGE=language).content.decode())
    note = page[page.index("ยอดรวม" if language == "th" else "Totals as reported"):][:200]
    assert shown in note and hidden not in note


def test_unknown_target_is_404_in_thai(client):
    response = client.get("/targets/NO-SUCH-TARGET/")
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in response.content.decode()


def test_unknown_target_is_404_in_english(client):
    response = client.get("/targets/NO-SUCH-TARGET/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_bad_date_is_explained_and_today_is_shown(client):
    response = client.get("/targets/ENV-TREES/?as_of=2024-13-45", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


@pytest.mark.parametrize(("language", "message"), [
    ("en", "Figures exist only up to today"), ("th", "ตัวเลขมีถึงวันนี้เท่านั้น"),
])
def test_a_future_date_is_refused_in_the_readers_language(client, language, message):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.get(f"/targets/ENV-TREES/?as_of={tomorrow}", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["as_of"] == timezone.localdate()
    assert f'max="{timezone.localdate().isoformat()}"' in response.content.decode()


def test_query_budget_is_constant(queries_before_and_after_doubling):
    before, after = queries_before_and_after_doubling(f"/targets/ENV-TREES/?{AS_OF}")
    assert before <= 15
    assert after == before
