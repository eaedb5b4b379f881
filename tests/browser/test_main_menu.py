"""The main menu stays as it was when htmx swaps part of a page in.

DKFDS binds the main menu on every init, whatever part of the page it is given,
and each time appends another "more" item, which then shows in the menu.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from fasttrack.cases.models import State
from tests.browser.conftest import da, login
from tests.conftest import Personas

MORE_ITEMS = ".navigation-menu .mainmenu > li.more-option"


def _expect_one_hidden_more_item(page: Page) -> None:
    # Two or three items fit the desktop menu: its "more" item stays hidden.
    expect(page.locator(MORE_ITEMS)).to_have_count(1)
    expect(page.locator(MORE_ITEMS)).to_be_hidden()


def test_swapped_content_leaves_the_main_menu_alone(page: Page, personas: Personas) -> None:
    login(page, "hr")
    page.get_by_role("link", name=da("Request Fast track")).first.click()
    _expect_one_hidden_more_item(page)
    first_day = page.get_by_label(da("First day of absence"), exact=True)
    first_day.fill((timezone.localdate() - timedelta(days=4)).isoformat())
    first_day.dispatch_event("change")
    last_day = da("Last day to request: %(day)s (%(basis)s)").split("%(day)s")[0].strip()
    expect(page.locator("#request-window")).to_contain_text(last_day)
    _expect_one_hidden_more_item(page)

    login(page, "sagsbehandler")
    _expect_one_hidden_more_item(page)
    page.locator("#worklist-filters select[name=state]").select_option(State.AWAITING_CONSENT)
    expect(page).to_have_url(re.compile(rf"state={State.AWAITING_CONSENT}"))
    _expect_one_hidden_more_item(page)
