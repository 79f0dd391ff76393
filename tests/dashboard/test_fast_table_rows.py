"""The target page's district rows and header, drawn directly (DistrictProgressTable.html_rows, html_header), are exactly
what django-tables2 would draw, for every sort, both languages, a level target and a filter."""
import re

import pytest

from tracker.dashboard.tables import DistrictProgressTable

pytestmark = pytest.mark.django_db


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
    drawn = []
    original = DistrictProgressTable.html_rows
    monkeypatch.setattr(DistrictProgressTable, "html_rows", lambda self: drawn.append(1) or original(self))
    fast = tbody(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert drawn  # the rows were drawn directly ...
    monkeypatch.setattr(DistrictProgressTable, "html_rows", lambda self: "")  # ... and now by django-tables2
    slow = tbody(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
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
    drawn = []
    original = DistrictProgressTable.html_header
    monkeypatch.setattr(DistrictProgressTable, "html_header", lambda self: drawn.append(1) or original(self))
    fast = thead(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert drawn
    monkeypatch.setattr(DistrictProgressTable, "html_header", lambda self: "")
    slow = thead(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert fast == slow and fast.count("<th") == 8 and "aria-sort" in fast
