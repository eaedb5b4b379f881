"""Every persona logs in through the browser and lands on an accessible start page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import START_PATHS, check_axe, login, screenshot
from tests.conftest import Personas


def test_it_logs_every_persona_in_to_an_accessible_start_page(
    page: Page, personas: Personas
) -> None:
    page.goto("/log-ind/")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    check_axe(page)
    screenshot(page, "00-login")

    for username in START_PATHS:
        login(page, username)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_axe(page)
        screenshot(page, f"00-start-{username}")
