"""The target page's district table: django-tables2 draws its header and sorting, its template
(templates/dashboard/_district_table.html) its rows, one cell per column in the header's order; the
filters are Django's selects."""
import re

import pytest
from django.utils import translation

from tests.helpers import page_html, text_of
from tracker.dashboard.forms import DistrictTableFilter
from tracker.lib.formatting import num, pct
from tracker.org.models import Zone
from tracker.targets import progress
from tracker.targets.models import Target
from tracker.targets.progress import band_text

pytestmark = pytest.mark.django_db


def table_parts(html):
    table = re.search(r'<table class="data cards" id="district-table">(.*?)</table>', html, re.S).group(1)
    headers = re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", table, re.S)
    rows = re.findall(r"<tr data-band=\"[a-z]+\" class=\"(?:even|odd)\">(.*?)</tr>", table, re.S)
    return [text_of(h) for h in headers], [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]


@pytest.mark.parametrize(("url", "code"), [
    ("/targets/ENV-TREES/?as_of=2024-06-07", "ENV-TREES"),
    ("/targets/ENV-TREES/?as_of=2024-06-07&sort=-rank", "ENV-TREES"),
    ("/targets/ENV-WASTE-COLLECTION/?as_of=2024-06-07&sort=district", "ENV-WASTE-COLLECTION"),
    ("/targets/ENV-WASTE-SEPARATION/?as_of=2024-06-07&band=low", "ENV-WASTE-SEPARATION"),
])
@pytest.mark.parametrize("language", ["th", "en"])
def test_each_row_shows_the_districts_figures_under_their_headers(client, meeting_day, url, code, language):
    headers, rows = table_parts(page_html(client, url, HTTP_ACCEPT_LANGUAGE=language))
    target = Target.objects.get(code=code)
    figure = progress.compute([target], meeting_day)[target.pk]
    units = {u.unit.code: u for u in figure.districts}
    assert len(headers) == 8 and rows
    with translation.override(language):
        for cells in rows:
            assert len(cells) == len(headers)
            u = units[cells[0]]
            assert [text_of(cell) for cell in cells] == [
                u.unit.code, u.unit.name, u.unit.zone.name, num(u.allocation, target.decimals), num(u.result, target.decimals),
                pct(u.percent), band_text(u.band, target.band_low, target.band_high), num(u.rank),
            ]


def test_a_row_is_drawn_exactly(client):
    html = page_html(client, "/targets/ENV-TREES/?as_of=2024-06-07", HTTP_ACCEPT_LANGUAGE="en")
    row = re.search(r'<tr data-band="middle" class="even"><td class="code optional">1039</td>.*?</tr>', html).group(0)
    assert row == (
        '<tr data-band="middle" class="even"><td class="code optional">1039</td><td class="name">'
        '<a href="/districts/1039/?as_of=2024-06-07">Watthana</a></td><td class="optional">Southern Bangkok</td>'
        '<td class="num">5,183</td><td class="num">3,271</td><td class="num" data-label="% of allocation">63.11%</td>'
        '<td class="band-cell"><span class="band band-middle">50% – &lt; 100%</span></td>'
        '<td class="num" data-label="Rank of 50">50</td></tr>'
    )


@pytest.mark.parametrize(("data", "zone_chosen", "band_chosen"), [
    ({}, [""], [""]), ({"zone": "3", "band": "low"}, ["3"], ["low"]), ({"zone": "999", "band": "<b>"}, [], []),
    ({"band": "none"}, [""], ["none"]),
])
@pytest.mark.parametrize("language", ["th", "en"])
def test_the_filters_offer_every_zone_and_band_and_keep_the_choice(data, zone_chosen, band_chosen, language):
    target = Target.objects.get(code="ENV-WASTE-SEPARATION")
    with translation.override(language):
        form = DistrictTableFilter(data or None, target=target, zones=list(Zone.objects.all()))
        zone, band = str(form["zone"]), str(form["band"])
    assert zone.count("<option") == 7 and band.count("<option") == 5
    assert re.findall(r'<option value="([^"]*)" selected>', zone) == zone_chosen
    assert re.findall(r'<option value="([^"]*)" selected>', band) == band_chosen
    assert f'<option value="low"{" selected" if band_chosen == ["low"] else ""}>&lt; 25%</option>' in band
