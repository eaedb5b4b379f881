"""From the worklist to a booked first conversation in at most 8 clicks or submits."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from fasttrack.cases.actions import accept
from fasttrack.meetings.models import Meeting, MeetingKind, MeetingState
from tests.browser.walk import EMPLOYEE_ANSWERS, Walk, employer_request_for_janni
from tests.conftest import Personas

STEP_BUDGET = 8


def test_it_books_the_first_conversation_within_8_steps_from_the_worklist(
    page: Page, personas: Personas
) -> None:
    case = employer_request_for_janni(personas)
    accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    walk = Walk(page, case_id=case.pk)

    # Every click or submit goes through walk.click, which counts it; typing does not count.
    walk.caseworker_opens_case_from_worklist()
    walk.caseworker_books(MeetingKind.FIRST_CONVERSATION)

    expect(page).to_have_url(f"/sager/{case.pk}/")
    meeting = Meeting.objects.get(case=case)
    assert (meeting.kind, meeting.state) == (MeetingKind.FIRST_CONVERSATION, MeetingState.BOOKED)
    assert walk.steps <= STEP_BUDGET, f"{walk.steps} steps from the worklist to a booking"
    walk.assert_accessible()
