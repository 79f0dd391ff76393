"""The import page in Chromium: a progress indicator while the file is sent and checked, then the
check (and after confirming, the import) in place of the page, as without JavaScript."""
import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.browser.test_reporting_cycle import PASSWORD, log_in
from tracker.targets.models import Result

pytestmark = pytest.mark.browser
CSV = "target_code,district_code,month,value,note\nENV-TREES,1001,2024-06,1200,ฝนตกหนัก\nENV-TREES,1001,2567-07,800,\n"


def test_the_page_shows_progress_then_the_check_then_imports(site, page, tmp_path):
    with override_settings(DEBUG=True):
        call_command("create_demo_accounts", password=PASSWORD, verbosity=0)
    log_in(page, site, "demo-reporter-1001")
    page.goto(f"{site}/import/")
    assert page.locator("#import-progress").is_hidden()

    held = []
    page.route("**/import/", lambda route: held.append(route) if route.request.method == "POST" else route.continue_())
    upload = tmp_path / "june.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.set_input_files("#id_file", str(upload))
    page.click("button[value=check]")
    page.wait_for_function("() => !document.getElementById('import-progress').hidden")
    assert page.locator("#import-progress progress").is_visible()
    assert page.locator("#import-progress [data-progress-text]").inner_text().strip()
    assert page.locator("button[value=check]").is_disabled()  # no second click meanwhile
    while not held:  # the request is made just after the bar is shown
        page.wait_for_timeout(20)
    held.pop().continue_()

    page.wait_for_selector("#import-counts")
    assert page.locator('[data-count="new"]').inner_text().endswith("2")
    assert page.url.endswith("/import/")
    page.unroute("**/import/")
    page.click("button[value=confirm]")
    page.wait_for_selector("ul.messages")
    assert "2" in page.locator("ul.messages").inner_text()
    assert Result.objects.filter(target__code="ENV-TREES", unit__code="1001", period__gte="2024-06-01").count() == 2
