"""The strict Content-Security-Policy holds in Chromium: every page loads with no violation (no
inline script, no inline style sheet, nothing from another origin) and still draws its charts."""
import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.browser.helpers import AS_OF, wait_for_charts
from tests.browser.test_reporting_cycle import PASSWORD, log_in
from tracker.meetings.models import Meeting

pytestmark = pytest.mark.browser

# Listens from before the page's first script: the browser fires this event for every blocked
# script, style, font, image or frame, and also for what it only reports.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""

# Canvases Chart.js drew on (some painted pixels) and the server's SVG charts (some marks).
DRAWN = """() => {
  const canvases = [...document.querySelectorAll("canvas")].map(canvas => {
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { painted += 1; } }
    return painted;
  });
  const svgs = [...document.querySelectorAll("svg[data-png-name]")].map(svg => svg.querySelectorAll("rect, path, line, polyline, circle").length);
  return { canvases, svgs };
}"""


@pytest.fixture
def csp_page(page):
    """The page, with every CSP violation (event or console message) collected; none is allowed."""
    console = []
    page.on("console", lambda m: "Content Security Policy" in m.text and console.append(m.text))
    page.add_init_script(LISTEN)
    seen = {}

    def visit(url):
        response = page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        seen[url] = page.evaluate("window.__cspViolations")
        return response

    page.visit = visit
    yield page
    violations = {url: found for url, found in seen.items() if found}
    assert not violations and not console, f"CSP violations: {violations} {console}"


def assert_charts_drawn(page, canvases=0, svgs=0):
    """At least ``canvases`` Chart.js charts and ``svgs`` SVG charts, each with something drawn."""
    on_page = page.locator("canvas").count()
    assert on_page >= canvases
    if on_page:
        wait_for_charts(page, on_page)
    drawn = page.evaluate(DRAWN)
    assert len(drawn["canvases"]) >= canvases and all(drawn["canvases"]), drawn
    assert len(drawn["svgs"]) >= svgs and all(drawn["svgs"]), drawn


@pytest.mark.parametrize(
    "url, canvases",
    [
        (f"/?{AS_OF}", 0),
        (f"/targets/ENV-TREES/?{AS_OF}", 3),
        (f"/bureaus/ENV/?{AS_OF}", 5),  # a sparkline per target
        (f"/districts/1001/?{AS_OF}", 0),
    ],
)
def test_dashboard_pages_keep_the_policy(site, csp_page, url, canvases):
    csp_page.visit(f"{site}{url}")
    assert_charts_drawn(csp_page, canvases=canvases)


def test_the_brief_and_the_presentation_keep_the_policy(site, csp_page):
    meeting = Meeting.objects.get(host__code="ENV", date="2024-06-07")
    csp_page.visit(f"{site}/meetings/{meeting.pk}/brief/")
    assert_charts_drawn(csp_page, svgs=meeting.reviews.count())
    csp_page.visit(f"{site}/meetings/{meeting.pk}/present/")
    assert_charts_drawn(csp_page, svgs=meeting.reviews.count())


def test_the_import_page_keeps_the_policy(site, csp_page):
    with override_settings(DEBUG=True):
        call_command("create_demo_accounts", password=PASSWORD, verbosity=0)
    log_in(csp_page, site, "demo-reporter-1001")
    csp_page.visit(f"{site}/import/")
    assert csp_page.locator("#import-progress").is_hidden()  # its script ran
