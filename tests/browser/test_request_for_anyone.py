"""Issue 13's walk: HR requests for a CPR number Fasttrack has never seen, in another
municipality; only that jobcentre sees the case, confirms who the employee is, and
the employee, given a login with ``add_user``, answers the request."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from fasttrack.cases.models import FastTrackCase
from tests.browser.conftest import check_axe, da, login, screenshot
from tests.browser.walk import questions_da
from tests.conftest import Personas

UNSEEN_CPR = "010101-0000"
NAME = "Kim Ukendt"
PASSWORD = "en-lang-og-god-adgangskode-42"
ANSWERS = {
    "affected_functions": "Jeg kan ikke stå ved maskinen hele dagen.",
    "affected_duration": "I tre uger.",
    "adjustments_tried": "Kortere vagter en uge.",
}


def test_hr_requests_for_an_unseen_number_in_another_municipality(
    page: Page, personas: Personas
) -> None:
    login(page, "hr")
    page.get_by_role("link", name=da("Request Fast track")).first.click()
    page.get_by_label(da("The employee's CPR number"), exact=True).fill(UNSEEN_CPR)
    first_day = (timezone.localdate() - timedelta(days=4)).isoformat()
    page.get_by_label(da("First day of absence"), exact=True).fill(first_day)
    page.get_by_label(
        da(
            "We expect that the employee will not be fully back at work within 8 weeks "
            "of the first day of absence."
        ),
        exact=True,
    ).check()
    page.get_by_label(da("The employee's nearest manager"), exact=True).select_option(
        label="Lars Eriksen"
    )
    page.get_by_text(da("Not yet registered as your employee in Fasttrack?")).click()
    page.get_by_label(da("The employee's full name"), exact=True).fill(NAME)
    page.get_by_label(da("The employee's home municipality"), exact=True).select_option(
        label="Frederiksberg (147)"
    )
    check_axe(page)
    screenshot(page, "13-01-hr-request-unseen")
    page.get_by_role("button", name=da("Send the request")).click()
    expect(page).to_have_url(re.compile(r"/sager/\d+/$"))
    case_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    check_axe(page)
    screenshot(page, "13-02-hr-case")
    case = FastTrackCase.objects.get(pk=case_id)
    assert case.municipality.code == "147" and not case.identity_confirmed

    # Only Frederiksberg's worklist has it.
    login(page, "sagsbehandler")
    page.goto("/jobcenter/?assignee=all")
    expect(page.locator("#worklist-results")).to_be_visible()
    expect(page.get_by_role("link", name=NAME)).to_have_count(0)
    refused = page.goto(f"/sager/{case_id}/")
    assert refused is not None and refused.status == 404
    login(page, "anden-sagsbehandler")
    page.goto("/jobcenter/?assignee=all")
    expect(page.locator('[data-identity="to-confirm"]')).to_have_count(1)
    screenshot(page, "13-03-frederiksberg-worklist")
    page.get_by_role("link", name=NAME).click()
    page.get_by_role("link", name=da("Confirm the employee's identity")).first.click()
    check_axe(page)
    screenshot(page, "13-04-confirm-identity")
    page.get_by_role("button", name=da("Confirm"), exact=True).click()
    expect(page).to_have_url(f"/sager/{case_id}/")

    # The employee gets a login and answers.
    out = StringIO()
    call_command("add_user", "kim", "--role", "employee", "--person", UNSEEN_CPR, stdout=out)
    match = re.search(r"https?://\S+(/konto/aktiver/\S+/)", out.getvalue())
    assert match is not None
    link = match.group(1)
    page.context.clear_cookies()
    page.goto(link)
    check_axe(page)
    screenshot(page, "13-05-choose-password")
    page.get_by_label(da("New password"), exact=True).fill(PASSWORD)
    page.get_by_label(da("New password confirmation"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=da("Save password")).click()
    login(page, "kim", PASSWORD)
    page.goto("/borger/")
    expect(page.get_by_text(da("You are logged in as %(name)s.") % {"name": NAME})).to_be_visible()
    page.goto(f"/borger/sager/{case_id}/samtykke/")
    for key, question in questions_da().items():
        page.get_by_label(question, exact=True).fill(ANSWERS[key])
    page.get_by_label(da("Yes, I say yes to Fast track"), exact=True).check()
    screenshot(page, "13-06-employee-answers")
    page.get_by_role("button", name=da("Send your answer")).click()
    expect(page).to_have_url(f"/sager/{case_id}/")
    case.refresh_from_db()
    assert case.state == "active"
