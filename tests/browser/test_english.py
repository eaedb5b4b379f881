"""Janni answers her employer's request in English, chosen with the language switcher."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import Page, expect

from fasttrack.cases.states import State
from fasttrack.lib.rules import QUESTION_KEYS, question_set, rule_set_for
from tests.browser.conftest import check_axe, en, login, screenshot
from tests.browser.walk import EMPLOYEE_ANSWERS, EMPLOYER_ANSWERS, employer_request_for_janni
from tests.conftest import Personas


def test_it_lets_janni_answer_the_request_in_english(page: Page, personas: Personas) -> None:
    case = employer_request_for_janni(personas)
    login(page, "janni")

    # The switcher names the other language in that language, as DKFDS does.
    page.get_by_role("button", name="English").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(en("Your case"))
    check_axe(page)
    screenshot(page, "70-employee-start-english")

    page.get_by_role("link", name=en("Read the request and answer")).click()
    expect(page).to_have_url(f"/borger/sager/{case.pk}/samtykke/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Nordisk Fabrik A/S has asked for Fast track for you"
    )
    for answer in EMPLOYER_ANSWERS.values():
        expect(page.get_by_text(answer)).to_be_visible()
    check_axe(page)
    screenshot(page, "71-employee-consent-english")

    # The questions keep the question set's own English wording.
    questions = question_set(rule_set_for(timezone.localdate()).question_set)
    for key in QUESTION_KEYS:
        page.get_by_label(questions[key].text("en"), exact=True).fill(EMPLOYEE_ANSWERS[key])
    page.get_by_label(en("Yes, I say yes to Fast track"), exact=True).check()
    page.get_by_role("button", name=en("Send your answer")).click()

    expect(page.get_by_text("Thank you. You said yes to Fast track.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_axe(page)
    case.refresh_from_db()
    assert case.state == State.ACTIVE
