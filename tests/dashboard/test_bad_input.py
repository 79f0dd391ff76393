"""Junk in a URL is a 404 or the normal page, never a 500: NUL bytes, odd codes, odd page sizes.

PostgreSQL refuses a NUL byte in a query with an error where SQLite finds nothing, so run these
on both (``DATABASE_URL=postgres://…``).
"""
import re

import pytest

from tracker.dashboard.tables import PageSizePaginator

pytestmark = pytest.mark.django_db

PAGES = ["/", "/bureaus/ENV/", "/targets/ENV-TREES/", "/districts/1001/", "/okrs/", "/projects/"]
PARAMETERS = [
    "unit", "target", "zone", "band", "status", "sort", "as_of", "fy", "is_bound", "fiscal_year", "page", "per_page",
]
JUNK = ["%00", "a%00b", "nonsense", "99999999999999999999999", "-1"]


def rows_on_page(html):
    table = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, flags=re.S).group(1)
    return table.count("<tr")


@pytest.mark.parametrize("path", ["/targets/a%00b/", "/bureaus/a%00b/", "/districts/a%00b/", "/targets/%00/"])
def test_a_nul_byte_in_a_code_is_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/targets/ENV TREES/", "/districts/เขต/", "/bureaus/.ENV/"])
def test_a_code_with_other_characters_is_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("junk", JUNK)
@pytest.mark.parametrize("parameter", PARAMETERS)
@pytest.mark.parametrize("url", PAGES)
def test_junk_in_a_query_parameter_shows_the_page(client, url, parameter, junk):
    assert client.get(f"{url}?as_of=2024-06-07&{parameter}={junk}").status_code == 200


@pytest.mark.parametrize(
    "per_page, rows", [("-1", 1), ("0", 50), ("abc", 50), ("%00", 50), ("1.5", 50), ("10000000000000000000000", 97)],
)
def test_an_odd_page_size_shows_a_sane_page(client, per_page, rows):
    response = client.get(f"/projects/?unit=ENV&per_page={per_page}")
    assert response.status_code == 200
    assert rows_on_page(response.content.decode()) == rows


@pytest.mark.parametrize("per_page", ["-1", "0", "abc", "10000000000000000000000"])
def test_an_odd_page_size_of_the_okr_table_shows_the_page(client, per_page):
    assert client.get(f"/okrs/?per_page={per_page}").status_code == 200


def test_a_page_holds_at_most_500_rows():
    assert PageSizePaginator(range(1000), 10**22).per_page == 500


@pytest.mark.parametrize("number", ["-1", "0", "999999", "abc"])
@pytest.mark.parametrize("url", ["/okrs/", "/projects/"])
def test_a_page_number_out_of_range_shows_a_page(client, url, number):
    response = client.get(f"{url}?page={number}")
    assert response.status_code == 200
    assert rows_on_page(response.content.decode()) >= 1
