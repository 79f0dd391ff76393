"""The target page's district rows and header (DistrictProgressTable.html_rows, html_header) and its
filters (FastSelect), drawn directly, are exactly what django-tables2 and Django would draw, for every
sort, both languages, a level target and a filter."""
import re

import pytest

from tracker.dashboard.tables import DistrictProgressTable

pytestmark = pytest.mark.django_db


def drawn_both_ways(client, monkeypatch, method, url, language, part):
    """``part`` of the page drawn by the table's ``method`` (checked to have run), then by the template."""
    drawn = []
    original = getattr(DistrictProgressTable, method)
    monkeypatch.setattr(DistrictProgressTable, method, lambda self: drawn.append(1) or original(self))
    fast = part(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert drawn  # drawn directly ...
    monkeypatch.setattr(DistrictProgressTable, method, lambda self: "")  # ... and now by the template
    slow = part(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
    return fast, slow


def tbody(html):
    body = re.search(r'id="district-table".*?<tbody[^>]*>(.*?)</tbody>', html, re.S).group(1)
    return re.sub(r">\s+<", "><", body.strip())


@pytest.mark.parametrize("url", [
    "/targets/ENV-TREES/?as_of=2024-06-07",
    "/targets/ENV-TREES/?as_of=2024-06-07&sort=-rank",
    "/targets/ENV-TREES/?as_of=2024-06-07&sort=zone",
    "/targets/ENV-WASTE-COLLECTION/?as_of=2024-06-07&sort=district",
    "/targets/ENV-WASTE-SEPARATION/?as_of=2024-06-07&band=low",
    "/targets/ENV-WASTE-POINTS/?as_of=2024-06-07",
    "/targets/ENV-PARKS/",
])
@pytest.mark.parametrize("language", ["th", "en"])
def test_the_rows_drawn_directly_are_django_tables2s(client, monkeypatch, url, language):
    fast, slow = drawn_both_ways(client, monkeypatch, "html_rows", url, language, tbody)
    assert fast == slow and fast.count("<tr") >= 1


def thead(html):
    head = re.search(r'id="district-table".*?<thead[^>]*>(.*?)</thead>', html, re.S).group(1)
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", head)


@pytest.mark.parametrize("url", [
    "/targets/ENV-TREES/?as_of=2024-06-07",
    "/targets/ENV-TREES/?as_of=2024-06-07&sort=-rank&zone=3",
    "/targets/ENV-WASTE-COLLECTION/?as_of=2024-06-07&sort=district&band=low",
    "/targets/ENV-TREES/?as_of=2024-06-07&sort=percent&x=%3Cb%3E&x=2",
])
@pytest.mark.parametrize("language", ["th", "en"])
def test_the_header_drawn_directly_is_the_templates(client, monkeypatch, url, language):
    fast, slow = drawn_both_ways(client, monkeypatch, "html_header", url, language, thead)
    assert fast == slow and fast.count("<th") == 8 and "aria-sort" in fast


@pytest.mark.parametrize("data", [{}, {"zone": "3", "band": "low"}, {"zone": "999", "band": "<b>"}, {"band": "none"}])
@pytest.mark.parametrize("language", ["th", "en"])
def test_the_filters_drawn_directly_are_djangos(data, language):
    from django import forms
    from django.utils import translation

    from tracker.dashboard.forms import DistrictTableFilter
    from tracker.org.models import Zone
    from tracker.targets.models import Target

    target = Target.objects.get(code="ENV-WASTE-SEPARATION")
    with translation.override(language):
        fast = DistrictTableFilter(data or None, target=target, zones=list(Zone.objects.all()))
        slow = DistrictTableFilter(data or None, target=target, zones=list(Zone.objects.all()))
        for name in ("zone", "band"):
            slow.fields[name].widget = forms.Select(choices=slow.fields[name].choices)
            drawn = str(fast[name])
            assert drawn == str(slow[name]) and drawn.count("<option") >= 5
            if data.get(name) in ("3", "low"):
                assert " selected>" in drawn
