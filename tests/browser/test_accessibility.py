"""axe-core on every page, in Thai and in English: no serious or critical accessibility violation."""
from pathlib import Path

import pytest
from django.conf import settings

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
    context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
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
