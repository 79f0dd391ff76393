"""axe-core on every page, in Thai and in English: no serious or critical accessibility violation."""
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.browser.helpers import PAGES, wait_for_charts

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def describe(url, violations):
    """Each violation with its rule, impact, help and the first elements it was found on."""
    lines = []
    for v in violations:
        lines.append(f"{url}: [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} elements) {v['helpUrl']}")
        for node in v["nodes"][:3]:
            lines.append(f"    {node['target']}  {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      ")[:400])
    return lines


def audit(page, url):
    response = page.goto(url)
    assert response.ok, f"{url}: HTTP {response.status}"
    if page.locator("canvas").count():
        wait_for_charts(page, page.locator("canvas").count())
    # Open the "figures of this chart as a table" boxes, so axe checks the tables inside them too.
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => (await axe.run(document)).violations")


@pytest.mark.parametrize("language", ["th", "en"])
def test_no_serious_accessibility_violation_on_any_page(site, browser, language):
    assert AXE.exists(), f"axe-core is not installed: run npm ci ({AXE})"
    # bypass_csp: axe-core is injected as an inline script, which our CSP rightly refuses (tests/browser/test_csp.py).
    context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found, blocking = [], []
    try:
        for path in PAGES:
            url = f"{site}{path}"
            violations = audit(page, url)
            assert page.locator("html").get_attribute("lang") == language, url
            found += describe(path, violations)
            blocking += describe(path, [v for v in violations if v["impact"] in BLOCKING])
    finally:
        context.close()
    print(f"\naxe-core, {language}: every violation found")
    print("\n".join(found) or "none")
    assert not blocking, f"serious or critical accessibility violations ({language}):\n" + "\n".join(blocking)


# The staff pages, each opened by the demo account whose role writes on it.
STAFF_PAGES = [
    ("demo-reporter-1001", "/report/1001/2024-06/"),
    ("demo-verifier-env", "/verify/"),
    ("demo-verifier-env", "/verify/ENV-TREES/2024-06/"),
    ("demo-verifier-env", "/allocations/ENV-TREES/"),
    ("demo-coordinator", "/report/months/"),
]
STAFF_PASSWORD = "ต้นไม้-ล้านต้น-2567"


@pytest.mark.parametrize("language", ["th", "en"])
def test_no_serious_accessibility_violation_on_the_staff_pages(site, browser, language):
    with override_settings(DEBUG=True):
        call_command("create_demo_accounts", password=STAFF_PASSWORD, verbosity=0)
    # bypass_csp: axe-core is injected as an inline script, which our CSP rightly refuses (tests/browser/test_csp.py).
    context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    blocking = []
    try:
        blocking += describe("/accounts/login/", [v for v in audit(page, f"{site}/accounts/login/") if v["impact"] in BLOCKING])
        for username, path in STAFF_PAGES:
            context.clear_cookies()
            page.goto(f"{site}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", STAFF_PASSWORD)
            with page.expect_navigation():
                page.click("form.stacked button[type=submit]")
            violations = audit(page, f"{site}{path}")
            assert page.url == f"{site}{path}", f"{username} did not reach {path}: {page.url}"
            blocking += describe(path, [v for v in violations if v["impact"] in BLOCKING])
    finally:
        context.close()
    assert not blocking, f"serious or critical accessibility violations ({language}):\n" + "\n".join(blocking)
