"""The tile map's layout: every district once, zone groups in one block, rough geography kept."""
import csv
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from tracker.dashboard.tilemap import COLUMNS, ROWS, TILES, layout

DISTRICTS = Path(settings.BASE_DIR).parent / "shared" / "data" / "districts.tsv"


def zones():
    with open(DISTRICTS, encoding="utf-8") as handle:
        return {row["code"]: int(row["zone"]) for row in csv.DictReader(handle, delimiter="\t")}


@pytest.mark.skipif(not DISTRICTS.exists(), reason="the shared reference tables are not beside the checkout")
def test_every_district_has_one_tile():
    assert set(TILES) == set(zones())


def test_no_two_districts_share_a_cell():
    assert len(set(TILES.values())) == len(TILES) == 50


def test_grid_is_at_most_11_by_10():
    assert COLUMNS <= 11 and ROWS <= 10


@pytest.mark.skipif(not DISTRICTS.exists(), reason="the shared reference tables are not beside the checkout")
@pytest.mark.parametrize("zone", range(1, 7))
def test_each_zone_group_is_one_block(zone):
    cells = {TILES[code] for code, z in zones().items() if z == zone}
    seen, todo = set(), [next(iter(cells))]
    while todo:
        row, col = todo.pop()
        if (row, col) in seen:
            continue
        seen.add((row, col))
        todo += [c for c in ((row + 1, col), (row - 1, col), (row, col + 1), (row, col - 1)) if c in cells]
    assert seen == cells


def test_rough_geography():
    row, col = lambda code: TILES[code][0], lambda code: TILES[code][1]
    assert col("1003") >= COLUMNS - 1  # Nong Chok in the far east
    assert col("1011") >= COLUMNS - 1  # Lat Krabang too
    assert row("1036") == row("1042") == 1  # Don Mueang and Sai Mai at the top
    assert row("1021") >= ROWS - 1 and row("1049") >= ROWS - 1  # Bang Khun Thian and Thung Khru at the bottom
    thonburi = ["1015", "1016", "1018", "1019", "1020", "1021", "1022", "1023", "1024", "1025", "1035", "1040", "1048", "1049", "1050"]
    assert all(col(code) <= col("1001") for code in thonburi)  # west of Phra Nakhon, across the river
    assert row("1001") < row("1004") < row("1047")  # Bang Rak south of Phra Nakhon, Bang Na further south


def test_layout_sorts_in_reading_order_and_skips_unknown_codes():
    items = [SimpleNamespace(unit=SimpleNamespace(code=code)) for code in ("1047", "1036", "9999", "1003")]
    placed = layout(items)
    assert [item.unit.code for item, _, _ in placed] == ["1036", "1003", "1047"]
    assert placed[0][1:] == TILES["1036"]
