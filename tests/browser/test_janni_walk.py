"""Janni's whole course through the browser, in Danish, as each party in turn (issue 5).

HR requests Fast track and the case lands in the jobcentre's queue, where the
caseworker takes it. Janni says yes, and the case is new on the caseworker's
worklist until she opens it. She asks the doctor for a certificate; the doctor
returns it, and the case is new again. She holds the first conversation on its
day, writes the plan, holds the retention meeting and closes the case; the
nearest manager and the jobcentre manager look in along the way, and the
manager's overdue figure is what its worklist shows. Every page is checked with
axe, and every page the employer side saw is kept for the privacy check at the
end (R-09, R-18).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from fasttrack.cases import actions
from fasttrack.cases.models import FastTrackCase, NoticeKind, Outcome
from fasttrack.cases.states import State
from fasttrack.medical.models import Certificate
from fasttrack.meetings.models import MeetingKind
from fasttrack.people.models import Employer, Person
from tests.browser.conftest import da
from tests.browser.walk import (
    CERTIFICATE,
    EMPLOYEE_ANSWERS,
    FIRST_CONVERSATION_MINUTES,
    JANNI_NAME,
    PLAN_SUMMARY,
    RETENTION_MINUTES,
    Walk,
)
from tests.conftest import Personas

RETENTION_MEETING = da("Retention meeting (fastholdelsesmøde)")


def test_it_walks_janni_through_fast_track_as_every_party(
    page: Page, personas: Personas, time_machine: Any
) -> None:
    assert not FastTrackCase.objects.exists(), "Janni starts without a case"
    walk = Walk(page, clock=time_machine)

    walk.log_in("hr", "10-employer-start-empty")
    walk.employer_requests()
    assert walk.case().state == State.AWAITING_CONSENT
    assert walk.case().caseworker is None  # in the municipality's queue
    page.goto("/arbejdsgiver/")
    walk.look("13-employer-start")

    walk.caseworker_takes_case_from_queue()
    assert walk.case().caseworker == personas.sagsbehandler

    walk.employee_accepts()
    assert walk.case().state == State.ACTIVE
    walk.caseworker_sees_news(NoticeKind.CONSENT_GIVEN, "32-caseworker-news-consent")
    walk.caseworker_requests_certificate()

    walk.doctor_returns_certificate()
    assert Certificate.objects.filter(request__case_id=walk.case_id).exists()

    # The certificate now exists: the employer's pages still show none of it.
    walk.log_in("hr")
    walk.goto_case()
    walk.look()

    walk.caseworker_sees_news(NoticeKind.CERTIFICATE_RECEIVED, "33-caseworker-news-certificate")
    expect(page.get_by_text(CERTIFICATE["diagnosis"]).first).to_be_visible()
    walk.look("34-caseworker-certificate")
    walk.caseworker_books(MeetingKind.FIRST_CONVERSATION)
    # Held on its day, not before.
    expect(page.get_by_role("link", name=da("Record as held"))).to_have_count(0)
    walk.after_the_meeting(MeetingKind.FIRST_CONVERSATION)
    walk.caseworker_records_held(FIRST_CONVERSATION_MINUTES)
    walk.caseworker_writes_plan()
    walk.caseworker_books(MeetingKind.RETENTION_MEETING)
    walk.look("35-caseworker-retention-booked")
    # A case closes only when no meeting is booked any more.
    expect(page.get_by_role("link", name=da("Close the case"))).to_have_count(0)

    # The nearest manager sees the coming retention meeting and the plan.
    walk.log_in("leder", "50-manager-start")
    expect(page.get_by_text(RETENTION_MEETING).first).to_be_visible()
    expect(page.get_by_text(PLAN_SUMMARY).first).to_be_visible()
    walk.participant_accepts(RETENTION_MEETING, "nearest_manager")

    walk.after_the_meeting(MeetingKind.RETENTION_MEETING)
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

    # Another case of the jobcentre's whose first conversation was never held.
    _overdue_case(personas)
    assert walk.manager_overdue_matches_worklist() == 1

    walk.employer_side_revisits()
    walk.assert_employer_saw_no_health_data()
    walk.assert_accessible()


def _overdue_case(personas: Personas) -> FastTrackCase:
    """Ahmed's case, requested three weeks ago and accepted by phone, never followed up."""
    today = timezone.localdate()
    case, _ = actions.request_fast_track(
        actor=personas.hr,
        person=Person.objects.with_cpr("0507762213").get(),
        employer=Employer.objects.get(cvr="29887659"),
        first_absence_day=today - timedelta(days=25),
        expects_over_8_weeks=True,
        answers=None,
        requested_by="employer",
        channel="web",
        today=today - timedelta(days=21),
    )
    actions.accept(
        case=case,
        actor=personas.sagsbehandler,
        answers=EMPLOYEE_ANSWERS,
        on=today - timedelta(days=20),
        channel="phone",
    )
    return case
