"""Janni's whole course through the browser, in Danish, as each party in turn (issue 5).

HR requests Fast track, Janni says yes, the caseworker asks the doctor for a
certificate, the doctor returns it, the caseworker holds the first
conversation, writes the plan, holds the retention meeting and closes the
case; the nearest manager and the jobcentre manager look in along the way.
Every page is checked with axe, and every page the employer side saw is kept
for the privacy check at the end (R-09, R-18).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from fasttrack.cases.models import FastTrackCase, Outcome
from fasttrack.cases.states import State
from fasttrack.medical.models import Certificate
from fasttrack.meetings.models import MeetingKind
from tests.browser.conftest import da
from tests.browser.walk import (
    CERTIFICATE,
    FIRST_CONVERSATION_MINUTES,
    JANNI_NAME,
    PLAN_SUMMARY,
    RETENTION_MINUTES,
    Walk,
)
from tests.conftest import Personas

RETENTION_MEETING = da("Retention meeting (fastholdelsesmøde)")


def test_it_walks_janni_through_fast_track_as_every_party(page: Page, personas: Personas) -> None:
    assert not FastTrackCase.objects.exists(), "Janni starts without a case"
    walk = Walk(page)

    walk.log_in("hr", "10-employer-start-empty")
    walk.employer_requests()
    assert walk.case().state == State.AWAITING_CONSENT
    page.goto("/arbejdsgiver/")
    walk.look("13-employer-start")

    walk.employee_accepts()
    assert walk.case().state == State.ACTIVE

    walk.caseworker_opens_case_from_worklist()
    walk.caseworker_requests_certificate()

    walk.doctor_returns_certificate()
    assert Certificate.objects.filter(request__case_id=walk.case_id).exists()

    # The certificate now exists: the employer's pages still show none of it.
    walk.log_in("hr")
    walk.goto_case()
    walk.look()

    walk.log_in("sagsbehandler")
    walk.goto_case()
    expect(page.get_by_text(CERTIFICATE["diagnosis"]).first).to_be_visible()
    walk.look("32-caseworker-certificate")
    walk.caseworker_books(MeetingKind.FIRST_CONVERSATION)
    walk.caseworker_records_held(FIRST_CONVERSATION_MINUTES)
    walk.caseworker_writes_plan()
    walk.caseworker_books(MeetingKind.RETENTION_MEETING)
    walk.look("34-caseworker-retention-booked")

    # The nearest manager sees the coming retention meeting and the plan.
    walk.log_in("leder", "50-manager-start")
    expect(page.get_by_text(RETENTION_MEETING).first).to_be_visible()
    expect(page.get_by_text(PLAN_SUMMARY).first).to_be_visible()
    walk.participant_accepts(RETENTION_MEETING, "nearest_manager")

    walk.log_in("sagsbehandler")
    walk.goto_case()
    walk.look()
    walk.caseworker_records_held(RETENTION_MINUTES)
    walk.caseworker_closes()
    case = walk.case()
    assert case.state == State.CLOSED
    assert case.outcome == Outcome.BACK_PART_TIME

    # Afterwards the manager still finds the case with its meeting and plan.
    walk.log_in("leder")
    page.get_by_role("link", name=JANNI_NAME).first.click()
    expect(page).to_have_url(f"/sager/{walk.case_id}/")
    walk.look("51-manager-case")
    expect(page.get_by_text(PLAN_SUMMARY).first).to_be_visible()
    expect(page.get_by_text(RETENTION_MEETING).first).to_be_visible()

    walk.log_in("hr")
    walk.goto_case()
    walk.look("12-employer-case-closed")

    walk.log_in("jobcenterchef", "60-jobcentre-overview")

    walk.employer_side_revisits()
    walk.assert_employer_saw_no_health_data()
    walk.assert_accessible()
