"""Constants and small helpers shared by the browser tests and the screenshot script."""
import re

AS_OF = "as_of=2024-06-07"
THAI = re.compile(r"[\u0E00-\u0E7F]")
TARGETS = [
    "ENV-TREES", "ENV-TREES-PERENNIAL", "ENV-PARKS",
    "ENV-WASTE-COLLECTION", "ENV-WASTE-SEPARATION", "ENV-WASTE-POINTS",
]
# Every page of the dashboard, as of the 7 June 2024 meeting (the OKR and project lists take no date).
PAGES = [
    f"/?{AS_OF}",
    f"/bureaus/ENV/?{AS_OF}",
    *(f"/targets/{code}/?{AS_OF}" for code in TARGETS),
    f"/districts/1001/?{AS_OF}",
    "/okrs/",
    "/projects/",
]


def wait_for_charts(page, count, timeout=15_000):
    """Wait until ``count`` Chart.js charts exist on the page (charts.js collects them as they are made)."""
    page.wait_for_function(
        "n => window.TrackerCharts && window.TrackerCharts.charts.length >= n", arg=count, timeout=timeout
    )
