"""The meeting's presentation mode and the charts' PNG downloads, in Chromium."""
import io

import pytest
from PIL import Image

from tests.browser.helpers import AS_OF, wait_for_charts
from tracker.meetings.models import Meeting

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting(site):
    """The 7 June 2024 meeting (in the shared snapshot of ``site``)."""
    return Meeting.objects.get(host__code="ENV", date="2024-06-07")


def current_screen(page):
    return page.locator(".slide.current").get_attribute("data-screen")


def test_the_presentation_moves_with_the_keys_and_keeps_the_screen_in_the_address(site, page, meeting):
    url = f"{site}/meetings/{meeting.pk}/present/"
    page.goto(url)
    screens = page.locator(".slide[data-screen]").count()
    assert screens == meeting.reviews.count() + 2
    assert current_screen(page) == "1" and page.url.endswith("#1")
    assert page.locator(".slide:visible").count() == 1

    page.keyboard.press("ArrowRight")
    assert current_screen(page) == "2" and page.url.endswith("#2")
    assert page.locator('.slide.current[data-review="ENV-TREES"]').is_visible()
    assert "218,910" in page.locator(".slide.current").inner_text()
    page.keyboard.press("PageDown")
    assert page.url.endswith("#3")
    page.keyboard.press("ArrowLeft")
    assert page.url.endswith("#2")
    page.keyboard.press("End")
    assert current_screen(page) == str(screens) and page.url.endswith(f"#{screens}")
    page.keyboard.press("ArrowRight")  # no screen after the last
    assert current_screen(page) == str(screens)
    page.keyboard.press("Home")
    assert current_screen(page) == "1"
    page.click('[data-go="next"]')
    assert current_screen(page) == "2"

    page.goto(f"{url}#4")  # the address brings back its screen
    page.reload()
    assert current_screen(page) == "4"
    assert page.locator(".present-controls [data-position]").inner_text() == f"4 / {screens}"

    with page.expect_navigation():
        page.keyboard.press("Escape")
    assert page.url.endswith(f"/meetings/{meeting.pk}/")


def test_every_chart_of_the_target_page_downloads_as_a_png_on_white(site, page, tmp_path):
    page.goto(f"{site}/targets/ENV-TREES/?{AS_OF}")
    wait_for_charts(page, 3)
    buttons = page.locator("button.chart-png")
    buttons.first.wait_for()
    assert buttons.count() == page.evaluate("window.TrackerCharts.charts.length")

    with page.expect_download() as download:
        page.locator('button.chart-png[data-png-for="chart-trajectory"]').click()
    assert download.value.suggested_filename == "ENV-TREES-trajectory-2024-06-07.png"
    path = tmp_path / "chart.png"
    download.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data)).convert("RGBA")
    assert image.getpixel((0, 0)) == (255, 255, 255, 255)  # a white ground, not a transparent one
    assert len(image.getcolors(maxcolors=1 << 20)) > 10  # and the chart drawn on it


def test_the_brief_shows_its_charts_and_hides_the_site_when_printed(site, page, meeting):
    page.goto(f"{site}/meetings/{meeting.pk}/brief/")
    assert page.locator("svg.svg-trajectory").count() == meeting.reviews.count()
    assert page.locator("header.site").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert not page.locator(".brief-tools").is_visible()
    assert page.locator("svg.svg-trajectory").first.is_visible()


def test_the_briefs_svg_charts_download_as_png_with_thai_text(site, page, meeting, tmp_path):
    page.goto(f"{site}/meetings/{meeting.pk}/brief/")
    first = page.locator("svg.svg-trajectory").first
    name = first.get_attribute("data-png-name")
    button = page.locator(f'button.chart-png[data-png-for="{name}"]')
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == f"{name}.png"
    path = tmp_path / "svg.png"
    download.value.save_as(path)
    image = Image.open(path).convert("RGB")
    width, height = (float(v) for v in first.get_attribute("viewBox").split()[2:])
    assert image.size == (round(width * 2), round(height * 2))  # drawn at twice its size
    assert image.getpixel((0, 0)) == (255, 255, 255)
    assert len(image.getcolors(maxcolors=1 << 20)) > 10
