"""The Content-Security-Policy holds in the browser, and the tests would see a breach.

Every browser test walks its pages with the policy enforced and fails on any
violation (``tests.browser.conftest.open_tab``); this file checks that watch
itself, and walks the pages no other browser test opens.

Issue 12, finding 8 (the policy in the browser).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import check_axe, da, open_tab, screenshot
from tests.conftest import give_second_factor


def test_it_reports_an_inline_style_and_an_inline_script(browser: Browser, live_server: object):
    tab = open_tab(browser, str(live_server))
    try:
        tab.page.goto("/log-ind/")
        tab.page.evaluate(
            """() => {
              document.body.setAttribute("style", "color: red");
              const script = document.createElement("script");
              script.textContent = "window.inlineRan = true";
              document.body.append(script);
            }"""
        )
        assert tab.page.evaluate("() => window.inlineRan") is None
        # The reports arrive as events; give them the time a page would.
        for _ in range(50):
            if len(tab.csp_violations) >= 2:
                break
            tab.page.wait_for_timeout(100)
    finally:
        tab.page.context.close()

    directives = " ".join(tab.csp_violations)
    assert "style-src-attr" in directives, tab.csp_violations
    assert "script-src-elem" in directives, tab.csp_violations


def test_it_keeps_the_api_documentation_and_the_admin_to_the_policy(
    page: Page, live_server: object, demo_world: object
) -> None:
    page.goto("/api/v1/docs")
    expect(page.get_by_text("Fasttrack API").first).to_be_visible()

    # The admin is for the installation's operators: a superuser, logged in by cookie.
    operator = User.objects.create_superuser("operator", "operator@example.dk", "x" * 20)
    client = Client()
    client.force_login(operator)
    give_second_factor(client, operator)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": str(live_server)}])
    for path in ["/admin/", "/admin/people/person/", "/admin/people/person/add/"]:
        page.goto(path)
        expect(page.locator("#content")).to_be_visible()
        check_axe(page)


def test_it_shows_the_outage_page_in_the_policy_and_accessibly(
    page: Page, live_server: object
) -> None:
    # The page a database outage answers with, as rendered then (no request, no user).
    page.goto("/tilgaengelighed/")
    with translation.override("da"):
        page.set_content(render_to_string("503.html"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        da("Fasttrack is unavailable right now")
    )
    expect(page.locator("link[rel=stylesheet]")).to_have_count(1)
    check_axe(page)
    screenshot(page, "90-database-unavailable")
