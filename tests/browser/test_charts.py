"""The target page's three charts are drawn: pixels on each canvas, and the data Chart.js holds."""
import pytest

from tests.browser.helpers import AS_OF, wait_for_charts

pytestmark = pytest.mark.browser

# What a canvas holds: its size in device pixels and how many of them are not transparent.
CANVAS_PIXELS = """id => {
  const canvas = document.getElementById(id);
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { painted += 1; } }
  return { width: canvas.width, height: canvas.height, painted: painted };
}"""

# What Chart.js drew from: type, labels and every dataset's values.
CHART_DATA = """id => {
  const chart = Chart.getChart(document.getElementById(id));
  if (!chart) { return null; }
  return {
    type: chart.config.type,
    labels: chart.data.labels,
    datasets: chart.data.datasets.map(d => ({ label: d.label, data: d.data })),
  };
}"""


@pytest.mark.parametrize("code", ["ENV-TREES", "ENV-WASTE-COLLECTION"])
def test_target_page_draws_its_three_charts(site, page, code):
    page.goto(f"{site}/targets/{code}/?{AS_OF}")
    wait_for_charts(page, 3)

    for canvas_id in ("chart-trajectory", "chart-districts", "chart-bands"):
        canvas = page.locator(f"#{canvas_id}")
        assert canvas.is_visible(), canvas_id
        pixels = page.evaluate(CANVAS_PIXELS, canvas_id)
        assert pixels["width"] >= 200 and pixels["height"] >= 150, (canvas_id, pixels)
        # Axes, labels and lines alone cover a few per cent of a line chart; a blank canvas covers none.
        assert pixels["painted"] >= 0.02 * pixels["width"] * pixels["height"], (canvas_id, pixels)

    trajectory = page.evaluate(CHART_DATA, "chart-trajectory")
    assert trajectory is not None, "no Chart.js chart on #chart-trajectory"
    assert trajectory["type"] == "line"
    assert len(trajectory["labels"]) == 12, trajectory["labels"]  # October to September of the fiscal year
    # A cumulative target has a forecast line; a level target (its latest level is its forecast) has none.
    assert len(trajectory["datasets"]) == (2 if code == "ENV-WASTE-COLLECTION" else 3)
    for dataset in trajectory["datasets"]:
        assert len(dataset["data"]) == 12, dataset
    reported, expected = (d["data"] for d in trajectory["datasets"][:2])
    assert any(value is not None for value in reported), "no month reported by 7 June 2024"
    assert reported[-1] is None, "a result drawn for September 2024, after the meeting"
    assert expected[-1] is not None and expected[-1] > 0

    districts = page.evaluate(CHART_DATA, "chart-districts")
    assert districts is not None, "no Chart.js chart on #chart-districts"
    assert districts["type"] == "bar"
    assert len(districts["labels"]) == 50
    (bars,) = districts["datasets"]
    assert len(bars["data"]) == 50
    assert bars["data"] == sorted(bars["data"], reverse=True), "bars are not best first"

    bands = page.evaluate(CHART_DATA, "chart-bands")
    assert bands is not None, "no Chart.js chart on #chart-bands"
    assert bands["type"] == "doughnut"
    (counts,) = bands["datasets"]
    assert sum(counts["data"]) == 50, counts  # every district is in one band
    assert len(bands["labels"]) == len(counts["data"]) >= 3

    # Chart text is drawn in Sarabun, once it has loaded (a canvas does not wait for web fonts).
    page.wait_for_function("() => window.TrackerCharts.fontsReady === true", timeout=15_000)
    assert page.evaluate("() => document.fonts.check('13px Sarabun', 'กขค')")
    assert "Sarabun" in page.evaluate("() => Chart.getChart(document.getElementById('chart-trajectory')).options.font.family")


def test_on_a_phone_the_district_bars_lie_down_one_row_each(site, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/targets/ENV-TREES/?{AS_OF}")
    wait_for_charts(page, 3)
    chart = page.evaluate("""() => {
      const chart = Chart.getChart(document.getElementById("chart-districts"));
      return { axis: chart.options.indexAxis, height: chart.height, labels: chart.data.labels.length };
    }""")
    assert chart["axis"] == "y" and chart["labels"] == 50
    assert chart["height"] >= 50 * 16, chart  # room for every district's name
    # The table keeps the figures and lets the zone and code columns go.
    assert not page.locator("#district-table td.code").first.is_visible()
    assert page.locator("#district-table td.num").first.is_visible()
