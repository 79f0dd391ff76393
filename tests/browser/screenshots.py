"""Full-page screenshots of every dashboard page, for a person to look at (not a test).

Usage, with the server running on the demo data (``make run``)::

    .venv/bin/python tests/browser/screenshots.py http://127.0.0.1:8000

Writes PNG files into ``screenshots/`` (git-ignored): every page in Thai, the overview and target
pages in English, the target and bureau pages as printed (print media, A4 width), and the
overview and target pages on a phone-sized screen.
"""
import argparse
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.browser.helpers import AS_OF, PAGES, wait_for_charts  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
DESKTOP = {"width": 1280, "height": 900}
A4_WIDTH = {"width": 794, "height": 1123}  # 210 mm × 297 mm at 96 dpi
PHONE = {"width": 390, "height": 844}

SHOTS = [
    # (file name prefix, language, viewport, print media?, paths)
    ("th", "th", DESKTOP, False, PAGES),
    ("en", "en", DESKTOP, False,
     [f"/?{AS_OF}", f"/targets/ENV-TREES/?{AS_OF}", f"/targets/ENV-WASTE-COLLECTION/?{AS_OF}"]),
    ("print-th", "th", A4_WIDTH, True, [f"/targets/ENV-TREES/?{AS_OF}", f"/bureaus/ENV/?{AS_OF}"]),
    ("phone-th", "th", PHONE, False, [f"/?{AS_OF}", f"/targets/ENV-TREES/?{AS_OF}"]),
]


def file_name(prefix, path):
    slug = re.sub(r"[^A-Za-z0-9-]+", "-", path.split("?")[0]).strip("-") or "overview"
    return f"{prefix}-{slug}.png"


def shoot(base_url, out):
    out.mkdir(exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for prefix, language, viewport, printed, paths in SHOTS:
            context = browser.new_context(locale=language, viewport=viewport)
            page = context.new_page()
            for path in paths:
                response = page.goto(base_url.rstrip("/") + path)
                if response is None or not response.ok:
                    print(f"{path}: HTTP {response and response.status}", file=sys.stderr)
                charts = page.locator("canvas").count()
                if charts:
                    wait_for_charts(page, charts)
                page.evaluate("document.fonts.ready.then(() => true)")
                if printed:
                    page.emulate_media(media="print")
                    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
                target = out / file_name(prefix, path)
                page.screenshot(path=str(target), full_page=True)
                if printed:
                    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
                    page.emulate_media(media="screen")
                saved.append(target)
                print(target)
            context.close()
        browser.close()
    return saved


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="URL of a running server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="folder for the PNG files")
    args = parser.parse_args()
    shoot(args.base_url, args.out)


if __name__ == "__main__":
    main()
