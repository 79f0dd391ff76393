"""Bar widths and the tile map's places are classes (no style attribute: the CSP refuses them);
static/css/positions.css has one for every value the templates can use."""
import re
from decimal import Decimal

import pytest
from django.conf import settings

from tracker.dashboard import tilemap
from tracker.lib.formatting import bar_step

CSS = (settings.BASE_DIR / "static" / "css" / "positions.css").read_text()


@pytest.mark.parametrize(("value", "step"), [(None, 0), (Decimal("-3"), 0), (Decimal("57.05"), 57), (Decimal("68.5"), 69),
                                             (Decimal("109.46"), 100), (Decimal("99.6"), 100)])
def test_a_percent_becomes_a_whole_step_between_0_and_100(value, step):
    assert bar_step(value) == step


def test_every_step_and_every_tile_place_has_its_class():
    for n in range(101):
        assert f".bar .fill.w-{n} {{ width: {n}%; }}" in CSS and f".bar .expected.l-{n} {{ left: {n}%; }}" in CSS
    for row, col in tilemap.TILES.values():
        assert f".tilemap .r-{row} {{ grid-row: {row}; }}" in CSS and f".tilemap .c-{col} {{ grid-column: {col}; }}" in CSS
    assert f"repeat({tilemap.COLUMNS}, 1fr)" in CSS


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/?as_of=2024-06-07", "/bureaus/ENV/?as_of=2024-06-07", "/targets/ENV-TREES/?as_of=2024-06-07",
                                 "/districts/1001/?as_of=2024-06-07", "/meetings/", "/okrs/"])
def test_no_page_has_a_style_attribute(client, url):
    html = client.get(url).content.decode()
    assert not re.search(r"<[^>]+\sstyle=", html), url
