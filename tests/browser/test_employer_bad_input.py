"""Bad input on the employer's request form: a Danish message at the field, input kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from fasttrack.cases.errors import localized_message
from fasttrack.lib.rules import RuleViolation, check_request, rule_set_for
from fasttrack.people.validators import clean_cpr
from tests.browser.conftest import axe_violations, da, login
from tests.browser.walk import JANNI_CPR, MANAGER_NAME
from tests.conftest import Personas

EXPECTATION = da(
    "We expect that the employee will not be fully back at work within 8 weeks "
    "of the first day of absence."
)


def _in_danish_and_english(message: object) -> tuple[str, str]:
    def render(language: str) -> str:
        with translation.override(language):
            return str(message() if callable(message) else message)

    return render("da"), render("en")


def _cpr_error(value: str) -> str:
    try:
        clean_cpr(value)
    except ValidationError as error:
        return str(error.messages[0])
    raise AssertionError(f"{value} is a valid CPR number")


def _rule_error(first_absence_day: date) -> str:
    today = timezone.localdate()
    try:
        check_request(
            rule_set_for(today),
            first_absence_day=first_absence_day,
            request_date=today,
            expects_over_8_weeks=True,
            today=today,
        )
    except RuleViolation as error:
        return localized_message(error)
    raise AssertionError(f"a request for {first_absence_day} is valid")


def _cases() -> list[tuple[str, str, date, str, str]]:
    today = timezone.localdate()
    future, too_late = today + timedelta(3), today - timedelta(40)
    return [
        ("invalid-cpr", "120381-456", today - timedelta(4), "employee_cpr", "120381-456"),
        ("future-day", JANNI_CPR, future, "first_absence_day", future.isoformat()),
        ("too-late", JANNI_CPR, too_late, "first_absence_day", too_late.isoformat()),
    ]


@pytest.mark.parametrize("case_index", range(3), ids=[c[0] for c in _cases()])
def test_it_shows_a_danish_message_at_the_field_and_keeps_the_input(
    page: Page, personas: Personas, case_index: int
) -> None:
    name, cpr, first_absence_day, field, kept = _cases()[case_index]
    if field == "employee_cpr":
        danish, english = _in_danish_and_english(lambda: _cpr_error(cpr))
    else:
        danish, english = _in_danish_and_english(lambda: _rule_error(first_absence_day))
    assert danish != english, "the message has a Danish translation"

    login(page, "hr")
    page.goto("/arbejdsgiver/anmodninger/ny/")
    cpr_input = page.get_by_label(da("The employee's CPR number"), exact=True)
    day_input = page.get_by_label(da("First day of absence"), exact=True)
    cpr_input.fill(cpr)
    day_input.fill(first_absence_day.isoformat())
    page.get_by_label(EXPECTATION, exact=True).check()
    manager = page.get_by_label(da("The employee's nearest manager"), exact=True)
    manager.select_option(label=MANAGER_NAME)
    page.get_by_role("button", name=da("Send the request")).click()

    control = page.locator(f"[name={field}]")
    expect(control).to_have_attribute("aria-invalid", "true")
    # The message sits at the field and is announced with it.
    error = page.locator(f"#id_{field}-error")
    expect(error).to_contain_text(danish)
    expect(control).to_have_attribute("aria-describedby", f"id_{field}-hint id_{field}-error")
    # Everything typed is still there, not only the field in error.
    expect(cpr_input).to_have_value(cpr)
    expect(day_input).to_have_value(first_absence_day.isoformat())
    expect(control).to_have_value(kept)
    expect(manager).to_have_value(str(personas.leder.pk))
    expect(page.get_by_label(EXPECTATION, exact=True)).to_be_checked()
    assert not axe_violations(page), name
