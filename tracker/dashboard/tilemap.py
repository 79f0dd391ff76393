"""A tile-grid cartogram of Bangkok's 50 districts, used by the target page's tile map.

Each district is one square at (row, column): rows count from the north, columns from the west.
The layout is our own: it keeps rough geography (Thonburi west of the river in columns 1–4,
Nong Chok and Lat Krabang in the east, Don Mueang and Sai Mai at the top, Bang Khun Thian and
Thung Khru at the bottom) and keeps each zone group's tiles edge-connected so zones read as blocks.
"""

TILES = {
    # Zone 3, Northern Bangkok
    "1036": (1, 5), "1042": (1, 6),
    "1041": (2, 5), "1005": (2, 6),
    "1029": (3, 4), "1030": (3, 5), "1038": (3, 6),
    # Zone 4, Eastern Bangkok
    "1046": (2, 9),
    "1027": (3, 7), "1043": (3, 8), "1010": (3, 9), "1003": (3, 10),
    "1006": (4, 8), "1044": (4, 9), "1011": (4, 10),
    "1032": (5, 9),
    # Zone 1, Central Bangkok
    "1002": (4, 4), "1014": (4, 5), "1026": (4, 6), "1045": (4, 7),
    "1001": (5, 4), "1008": (5, 5), "1037": (5, 6), "1017": (5, 7),
    "1013": (6, 4),
    # Zone 2, Southern Bangkok
    "1004": (6, 5), "1007": (6, 6), "1039": (6, 7), "1034": (6, 8),
    "1028": (7, 5), "1033": (7, 6), "1009": (7, 7),
    "1031": (8, 5), "1012": (8, 6), "1047": (8, 7),
    # Zone 5, North-Western Thonburi
    "1025": (4, 3),
    "1048": (5, 1), "1019": (5, 2), "1020": (5, 3),
    "1016": (6, 3),
    "1015": (7, 3), "1018": (7, 4),
    "1035": (8, 3),
    # Zone 6, South-Western Thonburi
    "1040": (6, 1), "1022": (6, 2),
    "1023": (7, 1), "1050": (7, 2),
    "1021": (8, 2),
    "1049": (9, 2), "1024": (9, 3),
}

ROWS = max(row for row, _ in TILES.values())
COLUMNS = max(col for _, col in TILES.values())


def layout(items, key=lambda item: item.unit.code):
    """``[(item, row, col), …]`` in reading order; items whose code has no tile are left out."""
    placed = [(item, *TILES[key(item)]) for item in items if key(item) in TILES]
    return sorted(placed, key=lambda cell: (cell[1], cell[2]))
