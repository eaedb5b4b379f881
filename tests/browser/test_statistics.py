"""The statistics pages in the browser: at 1280 and 390 px, with zero axe violations,
no horizontal overflow and no Content-Security-Policy violation (charts are SVG
drawn on the server)."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from fasttrack.cases.demo import build_demo_cases
from fasttrack.login.demo import give_demo_second_factor
from fasttrack.people.demo import DemoWorld
from fasttrack.people.models import Membership, Role
from tests.browser.conftest import DESKTOP, MOBILE, check_axe, da, login, screenshot
from tests.browser.test_narrow_screen import OVERFLOW
from tests.conftest import Personas


def _check_both_widths(page: Page, name: str) -> None:
    for viewport in (DESKTOP, MOBILE):
        page.set_viewport_size(viewport)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_axe(page)
        overflow = page.evaluate(OVERFLOW)
        assert overflow["scroll"] <= overflow["width"], (viewport, overflow)
    page.set_viewport_size(DESKTOP)
    screenshot(page, name)


def test_the_jobcentre_manager_reads_the_statistics_and_follows_a_figure(
    page: Page, personas: Personas, demo_world: DemoWorld
) -> None:
    build_demo_cases(demo_world, today=timezone.localdate())
    login(page, "jobcenterchef")
    page.get_by_role(
        "link", name=da("Statistics: do we keep the deadlines, and does Fast track work?")
    ).click()

    expect(page.get_by_role("heading", level=1, name=da("Statistics"))).to_be_visible()
    expect(page.locator("figure[data-chart='requests'] svg")).to_be_visible()
    _check_both_widths(page, "17-statistics-jobcentre")

    page.locator("#id_period").select_option(index=13)  # this quarter
    page.get_by_role("button", name=da("Show"), exact=True).click()
    expect(page).to_have_url(re.compile(r"period=\d{4}-K\d"))
    check_axe(page)

    total = page.locator("table[data-table='requests'] tr[data-row='total'] td").last
    count = int(total.inner_text())
    total.get_by_role("link").click()
    expect(page.locator("#worklist-figure")).to_be_visible()
    expect(page.locator("#worklist tbody tr")).to_have_count(count)
    check_axe(page)


def test_the_employer_and_the_administrator_read_their_statistics(
    page: Page, personas: Personas, demo_world: DemoWorld
) -> None:
    build_demo_cases(demo_world, today=timezone.localdate())
    login(page, "hr")
    page.get_by_role("link", name=da("Statistics"), exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name=da("Statistics"))).to_be_visible()
    _check_both_widths(page, "17-statistics-employer")

    administrator = User.objects.create_user("statistik", password="demo-fasttrack")
    Membership.objects.create(user=administrator, role=Role.ADMINISTRATOR)
    give_demo_second_factor(administrator)
    login(page, "statistik")
    expect(page).to_have_url("/statistik/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        da("Statistics across municipalities")
    )
    _check_both_widths(page, "17-statistics-administrator")
