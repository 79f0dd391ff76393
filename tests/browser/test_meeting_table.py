"""What only a browser shows of the pages at the meeting table: the place kept after a sort or a
filter, phone layouts at 360 px, the BE date picker and the bureau page's small charts."""
import re

import pytest

from tests.browser.helpers import AS_OF, wait_for_charts

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 780}

# Elements whose content is wider than their box (cut off, or spilling out).
CUT = """selector => [...document.querySelectorAll(selector)]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.trim())"""
# Elements that reach past the right edge of the window.
OFF_SCREEN = """selector => [...document.querySelectorAll(selector)]
  .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.textContent.trim())"""


def test_sorting_the_district_table_keeps_the_place(site, page):
    page.goto(f"{site}/targets/ENV-TREES/?{AS_OF}")
    page.locator("#district-table thead a").last.click()  # rank
    page.wait_for_url(re.compile(r"sort=rank#districts$"))
    assert page.evaluate("window.scrollY") > 1500
    assert abs(page.evaluate("document.getElementById('districts').getBoundingClientRect().top")) < 5


def test_filtering_the_district_table_keeps_the_place_and_says_when_nothing_matches(site, page):
    page.goto(f"{site}/targets/ENV-TREES/?{AS_OF}")
    page.select_option("#districts select[name=band]", "low")
    page.locator("#districts form button[type=submit]").click()
    page.wait_for_url(re.compile(r"band=low.*#districts$"))
    assert page.evaluate("window.scrollY") > 1500
    assert page.locator("#district-table [data-clear-filter]").is_visible()
    page.locator("#district-table [data-clear-filter]").click()
    page.wait_for_url(re.compile(r"#districts$"))
    assert page.locator("#district-table tbody tr").count() == 50
    assert page.evaluate("window.scrollY") > 1500


def test_target_page_on_a_phone(site, page):
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/targets/ENV-TREES/?{AS_OF}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first = page.locator("#district-table tbody tr").first
    assert page.evaluate("e => getComputedStyle(e).display", first.element_handle()) == "flex"
    # Each card's cells all on the screen.
    assert page.evaluate(OFF_SCREEN, "#district-table tbody td, #district-table tbody th") == []
    visible = [c.inner_text().strip() for c in first.locator("td").all() if c.is_visible()]
    # Name, allocation and result (shown as "result / allocation"), %, band and rank: the lowest first.
    assert visible[0] == "เขตวัฒนา" and visible[3] == "63.11%" and visible[5] == "50", visible
    # Three-digit percents stay whole in the tiles and the headline.
    assert page.evaluate(CUT, ".tile .tile-pct") == []
    assert page.evaluate(CUT, "#headline dd") == []


def test_district_page_on_a_phone(site, page):
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/districts/1001/?{AS_OF}")
    assert page.evaluate(OFF_SCREEN, "#district-targets tbody td, #district-targets tbody th") == []
    names = page.locator("#district-targets tbody th.name")
    assert names.count() == 6
    # A target's name has the card's width: a long one takes two or three lines, not one word a line.
    assert min(box["width"] for box in (n.bounding_box() for n in names.all())) > 250
    assert names.nth(0).bounding_box()["height"] < 80


def test_tile_names_are_not_cut_on_a_laptop(site, page):
    page.goto(f"{site}/targets/ENV-TREES/?{AS_OF}")
    assert page.evaluate(CUT, ".tile .tile-name") == []
    assert page.evaluate(CUT, ".tile .tile-pct") == []


def test_date_picker_speaks_be_and_sends_the_date(site, page):
    page.goto(f"{site}/?{AS_OF}")
    assert page.locator("#id_as_of").get_attribute("type") == "hidden"
    year, month, day = page.locator("#id_as_of_year"), page.locator("#id_as_of_month"), page.locator("#id_as_of_day")
    assert year.locator("option:checked").inner_text() == "2567"
    assert month.locator("option:checked").inner_text() == "มิถุนายน"
    assert day.input_value() == "7"
    day.select_option("31")  # June has 30 days: the picker keeps the date real
    page.locator("form.as-of button[type=submit]").click()
    page.wait_for_url(re.compile(r"as_of=2024-06-30"))
    assert page.locator(".as-of-text").inner_text().startswith("30 มิ.ย. 2567")


def test_bureau_page_draws_a_small_line_per_target(site, page):
    page.goto(f"{site}/bureaus/ENV/?{AS_OF}")
    wait_for_charts(page, 5)
    assert page.locator("canvas[data-sparkline]").count() == 5
    drawn = page.evaluate("""() => [...document.querySelectorAll('canvas[data-sparkline]')]
        .map(c => Chart.getChart(c).data.datasets.length)""")
    assert drawn == [2] * 5
