"""The language buttons in the header: Thai by default, English on request, the choice kept across pages."""
import pytest

from tests.browser.helpers import AS_OF, THAI

pytestmark = pytest.mark.browser


def test_language_buttons_switch_the_whole_site_and_the_choice_persists(site, browser):
    # A browser that asks for neither Thai nor English gets the site's default, Thai.
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{site}/?{AS_OF}")
        html = page.locator("html")
        heading = page.locator("main h1")
        overview_link = page.locator("header nav a").first
        assert html.get_attribute("lang") == "th"
        assert THAI.search(heading.inner_text()), f"Thai page, heading not in Thai: {heading.inner_text()!r}"
        assert THAI.search(overview_link.inner_text()), f"Thai page, menu not in Thai: {overview_link.inner_text()!r}"
        assert page.locator("form.language button[value=th]").get_attribute("aria-current") == "true"

        with page.expect_navigation():
            page.locator("form.language button[value=en]").click()
        assert html.get_attribute("lang") == "en"
        assert page.url == f"{site}/?{AS_OF}", "the switch did not come back to the same page and date"
        assert heading.inner_text() == "Urgent targets by host bureau"
        assert overview_link.inner_text() == "Overview"
        assert not THAI.search(page.locator("header nav").inner_text())
        assert page.locator("form.language button[value=en]").get_attribute("aria-current") == "true"
        # Names from the database follow the language too.
        assert not THAI.search(page.locator("main section h2 a").first.inner_text())

        # The choice is kept (in a cookie) on the next page, reached by a link.
        with page.expect_navigation():
            page.locator("main section h2 a").first.click()  # the first host bureau
        assert "/bureaus/" in page.url and AS_OF in page.url
        assert html.get_attribute("lang") == "en"
        assert page.locator(".crumbs a").first.inner_text() == "Overview"

        # ... and back to Thai, from that page.
        with page.expect_navigation():
            page.locator("form.language button[value=th]").click()
        assert "/bureaus/" in page.url
        assert html.get_attribute("lang") == "th"
        assert THAI.search(page.locator(".crumbs a").first.inner_text())
        page.goto(f"{site}/targets/ENV-TREES/?{AS_OF}")
        assert html.get_attribute("lang") == "th"
        assert THAI.search(page.locator("main h1").inner_text())
    finally:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"
