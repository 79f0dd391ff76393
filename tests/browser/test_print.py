"""The target page printed on A4: no menus or forms, the charts and figures kept, a real PDF."""
import re

import pytest

from tests.browser.helpers import AS_OF, wait_for_charts

pytestmark = pytest.mark.browser

CHART_IDS = ("chart-trajectory", "chart-districts", "chart-bands")

# When Chromium prints, it fires "beforeprint" while the page still has its screen layout, then
# applies the print layout and fires the change event of matchMedia("print"); it does not run
# ResizeObserver callbacks before printing. This listener, added after the page's own, records
# each chart as it will be printed: its canvas against its .chart-box.
RECORD_PRINTED_CHARTS = """() => {
  window.__printedCharts = null;
  window.matchMedia("print").addEventListener("change", event => {
    if (!event.matches) { return; }
    window.__printedCharts = [...document.querySelectorAll(".chart-box canvas")].map(canvas => {
      const shown = canvas.getBoundingClientRect(), box = canvas.parentElement.getBoundingClientRect();
      return {
        id: canvas.id, bitmap: [canvas.width, canvas.height],
        shown: [shown.left, shown.top, shown.right, shown.bottom].map(Math.round),
        box: [box.left, box.top, box.right, box.bottom].map(Math.round),
      };
    });
  });
}"""


def test_printed_pdf_has_charts_sized_to_the_page(site, page):
    page.goto(f"{site}/targets/ENV-TREES/?{AS_OF}")
    wait_for_charts(page, 3)
    page.evaluate(RECORD_PRINTED_CHARTS)

    pdf = page.pdf(format="A4", print_background=True)

    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 1, "the PDF has no page"
    # Fonts, three charts as images and a 50-row table: far more than an empty page (a few kB).
    assert len(pdf) > 50_000, f"the PDF is only {len(pdf)} bytes"

    printed = page.evaluate("window.__printedCharts")
    assert printed, "Chromium did not switch to the print layout (no matchMedia('print') change)"
    assert sorted(c["id"] for c in printed) == sorted(CHART_IDS)
    for chart in printed:
        left, top, right, bottom = chart["shown"]
        box_left, box_top, box_right, box_bottom = chart["box"]
        # A chart drawn for the screen and not resized for paper spills over what follows it.
        assert right <= box_right + 1 and bottom <= box_bottom + 1, (
            f"{chart['id']} is printed at its screen size, over the content below it: {chart}"
        )
        # ... or, squeezed into its box by CSS, is printed with stretched or squashed text.
        width, height = chart["bitmap"]
        assert width / height == pytest.approx((right - left) / (bottom - top), rel=0.05), (
            f"{chart['id']} is printed distorted: {chart}"
        )


def test_print_layout_hides_menus_and_forms_and_keeps_the_figures(site, page):
    page.goto(f"{site}/targets/ENV-TREES/?{AS_OF}")
    wait_for_charts(page, 3)
    assert page.locator("header.site nav").is_visible()  # on screen, for contrast
    page.emulate_media(media="print")
    # What the browser does when one prints: charts.js opens the chart tables.
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")

    for hidden in ("header.site", "header.site nav", "form.language", "form.as-of", ".table-tools form",
                   ".table-tools .exports", "details.equivalent summary"):
        locator = page.locator(hidden)
        assert locator.count(), f"{hidden} is not on the page any more"
        for i in range(locator.count()):
            assert locator.nth(i).is_hidden(), f"{hidden} is printed"
    visible_forms = page.locator("form").evaluate_all("forms => forms.filter(f => f.checkVisibility()).length")
    assert visible_forms == 0, "a form is printed"

    on_paper = ("main h1", "#headline", ".tilemap", "table.month-table", "#table-title", *(f"#{i}" for i in CHART_IDS))
    for shown in on_paper:
        assert page.locator(shown).is_visible(), f"{shown} is not printed"
    for canvas_id in CHART_IDS:
        box = page.locator(f"#{canvas_id}").bounding_box()
        assert box["width"] > 150 and box["height"] > 100, (canvas_id, box)
