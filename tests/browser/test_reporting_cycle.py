"""The monthly cycle in Chromium: a district reporter submits June 2024, the host's verifier verifies it,
and the target page's figures follow at each step."""
import re

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.browser
PASSWORD = "ต้นไม้-ล้านต้น-2567"


def log_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")


def log_out(page):
    with page.expect_navigation():
        page.click("header .account button")


def headline_result(page, site):
    page.goto(f"{site}/targets/ENV-TREES/")
    return page.locator('#headline [data-figure="result"]').inner_text()


def test_a_reporter_submits_a_month_and_the_host_verifies_it(site, page):
    with override_settings(DEBUG=True):
        call_command("create_demo_accounts", password=PASSWORD, verbosity=0)
    assert headline_result(page, site).startswith("218,910")

    log_in(page, site, "demo-reporter-1001")
    assert page.url.endswith("/report/1001/2024-06/"), page.url
    row = page.locator('tr[data-target="ENV-TREES"]')
    row.locator("input[name^=value-]").fill("๑,๒๐๐")  # Thai digits and a thousands separator
    row.locator("textarea").fill("ฝนตกหนัก ปลูกได้ช้ากว่าแผน")
    with page.expect_navigation():
        page.click("button[value=submit]")
    assert page.locator("ul.messages").is_visible()
    assert row.locator(".state-submitted").is_visible()

    figure = headline_result(page, site)
    assert figure.startswith("220,110"), figure  # counted at once …
    assert re.search(r"1,200", page.locator('#headline [data-figure="unverified"]').inner_text())  # … and marked
    log_out(page)

    log_in(page, site, "demo-verifier-env")
    page.goto(f"{site}/verify/ENV-TREES/2024-06/")
    assert "ฝนตกหนัก" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.click("button[value=verify_all]")
    assert page.locator("ul.messages").is_visible()

    assert headline_result(page, site).startswith("220,110")
    assert page.locator('#headline [data-figure="unverified"]').count() == 0
