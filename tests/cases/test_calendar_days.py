"""R-32: a calendar-day deadline on a weekend, holiday or closing day is not moved.

Through the clock, and through each face: the case page shows the weekday and
the last banking day before it, the API gives the day itself, and the sweep (the
batch run) marks it missed the day after, not after the next banking day.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from fasttrack.api.tokens import issue_token
from fasttrack.cases import actions
from fasttrack.cases.sweep import sweep
from tests.cases.conftest import EMPLOYEE_ANSWERS, deadline

D0 = date(2026, 11, 27)  # its § 7 a conversation is due 25 December, juledag
REQUESTED = date(2026, 12, 6)  # a Sunday: the first conversation is due Sunday 20 December


def _da(msgid: str, **params: str) -> str:
    with translation.override("da"):
        return translation.gettext(msgid) % params


@pytest.fixture
def case(employer_request, personas):
    made = employer_request(first_absence_day=D0, today=REQUESTED, nearest_manager=personas.leder)
    actions.accept(case=made, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    return made


def test_it_keeps_a_deadline_on_a_sunday_or_a_holiday_where_it_falls_r32(case):
    conversation = deadline(case, "first_followup_conversation")
    assert conversation.due_on == date(2026, 12, 20)
    assert conversation.due_on.weekday() == 6
    assert deadline(case, "employer_sick_absence_conversation").due_on == date(2026, 12, 25)


def test_it_shows_the_weekday_and_the_last_banking_day_before_it_on_the_page_r32(
    case, login, personas
):
    client = login(personas.sagsbehandler)

    page = client.get(f"/sager/{case.pk}/").content.decode()

    assert "søndag 20. december 2026" in page
    assert _da("Last banking day before: %(day)s", day="fredag 18. december 2026") in page
    # 24 December is a closing day: the last banking day before juledag is the 23rd.
    assert "fredag 25. december 2026" in page
    assert _da("Last banking day before: %(day)s", day="onsdag 23. december 2026") in page


def test_it_hints_at_the_banking_day_for_hr_too_r32(case, login, personas):
    client = login(personas.hr)

    page = client.get("/arbejdsgiver/").content.decode()

    assert "fredag 25. december 2026" in page
    assert _da("last banking day before: %(day)s", day="onsdag 23. december 2026") in page


def test_it_gives_the_calendar_day_itself_in_the_api_r32(case, client, personas):
    token = issue_token(user=personas.sagsbehandler, name="test")[1]

    body = client.get(f"/api/v1/cases/{case.pk}", headers={"Authorization": f"Bearer {token}"})

    deadlines = {d["key"]: d["due"] for d in body.json()["deadlines"]}
    assert deadlines["first_followup_conversation"] == "2026-12-20"


def test_it_marks_the_sunday_deadline_missed_on_the_monday_in_the_sweep_r32(case):
    assert sweep(today=date(2026, 12, 20)) == 0
    assert deadline(case, "first_followup_conversation").status == "pending"

    # Not extended to the next banking day: Monday it is missed.
    assert sweep(today=date(2026, 12, 21)) >= 1
    assert deadline(case, "first_followup_conversation").status == "missed"
