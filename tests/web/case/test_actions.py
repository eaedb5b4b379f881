"""Each caseworker action through its page: the happy path, and the engine's
refusal shown at its field with what was typed kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from fasttrack.cases import actions
from fasttrack.cases.demo import EMPLOYEE_ANSWERS
from fasttrack.cases.errors import (
    AnswersRequired,
    CertificateDueTooLate,
    CertificateDueTooSoon,
    HeldOnOutOfRange,
    MeetingTimeNotInFuture,
    PartialLeaveTooFewHours,
    ReasonRequired,
    RuleViolation,
    localized_message,
)
from fasttrack.cases.models import Consent, FastTrackCase, JournalNote
from fasttrack.cases.states import State
from fasttrack.medical.models import CertificateRequest
from fasttrack.meetings.models import Meeting, MeetingKind, MeetingState
from fasttrack.plans.models import PlanVersion
from tests.conftest import Personas
from tests.web.case.conftest import TODAY, at


def danish(error: RuleViolation) -> str:
    """The message as the page shows it: Danish, HTML-escaped."""
    with translation.override("da"):
        return escape(localized_message(error))


def assert_field_error(page: str, field: str, message: str) -> None:
    assert f'id="id_{field}-error"' in page, f"no error at {field}"
    error_html = page.split(f'id="id_{field}-error"', 1)[1].split("</span>", 2)[1]
    assert message in error_html


@pytest.fixture
def caseworker(login: Callable[[User], Client], personas: Personas) -> Client:
    return login(personas.sagsbehandler)


def _url(name: str, case: FastTrackCase, *args: Any) -> str:
    return reverse(f"web:{name}", args=[case.pk, *args])


# --- journal note ----------------------------------------------------------------


def test_it_saves_a_journal_note(caseworker: Client, demo_cases: dict[str, FastTrackCase]) -> None:
    case = demo_cases["lars"]
    response = caseworker.post(_url("case_add_journal_note", case), {"text": "Lars ringede."})

    assert response.status_code == 302
    assert response["Location"] == _url("case_detail", case)
    assert JournalNote.objects.get(case=case).text == "Lars ringede."


def test_it_refuses_an_empty_journal_note_at_the_field(
    caseworker: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    response = caseworker.post(_url("case_add_journal_note", demo_cases["lars"]), {"text": "  "})

    assert response.status_code == 400
    assert_field_error(response.content.decode(), "text", danish(ReasonRequired(rule="R-27")))


# --- certificate -------------------------------------------------------------------


def test_it_offers_the_doctor_as_long_as_r16_allows_and_refuses_longer(
    caseworker: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    # Lars' first conversation was due 7 November and is not booked: the
    # certificate cannot come before it any more, so the doctor gets the 8 days.
    case = demo_cases["lars"]
    page = caseworker.get(_url("case_request_certificate", case)).content.decode()
    assert 'value="8"' in page

    too_long = caseworker.post(_url("case_request_certificate", case), {"due_in_days": "14"})

    assert too_long.status_code == 400
    latest = TODAY + timedelta(days=8)
    assert_field_error(
        too_long.content.decode(),
        "due_in_days",
        danish(CertificateDueTooLate(due_in_days=14, latest_day=latest, max_days=8)),
    )
    assert "26. november 2026" in too_long.content.decode()
    assert not CertificateRequest.objects.filter(case=case).exists()

    response = caseworker.post(_url("case_request_certificate", case), {"due_in_days": "8"})

    assert response.status_code == 302
    assert CertificateRequest.objects.get(case=case).due_on == latest


def test_it_refuses_a_certificate_deadline_below_the_minimum_and_keeps_the_input(
    caseworker: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    response = caseworker.post(
        _url("case_request_certificate", demo_cases["lars"]), {"due_in_days": "3"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert_field_error(
        page, "due_in_days", danish(CertificateDueTooSoon(due_in_days=3, min_days=8))
    )
    assert 'value="3"' in page


# --- meetings ------------------------------------------------------------------------


def test_it_prefills_the_first_conversation_from_the_case(
    caseworker: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["janni"]
    actions.accept(case=case, actor=User.objects.get(username="janni"), answers=EMPLOYEE_ANSWERS)

    page = caseworker.get(
        _url("case_book_meeting", case) + "?kind=first_conversation"
    ).content.decode()

    # The next banking day after Wednesday 18 November, inside the 14-day deadline.
    assert 'value="2026-11-19"' in page
    assert 'value="10:00:00"' in page
    assert "Jobcenter København, Gyldenløvesgade 15, 1600 København V" in page
    assert 'value="employee" checked' in page
    assert 'value="caseworker" checked' in page
    # The conversation is the employee's with the jobcentre (meetings.parties).
    assert 'value="manager"' not in page
    assert 'name="companion_name"' in page
    assert 'name="union_representative_name"' not in page


def test_it_prefills_the_retention_meeting_at_the_employer(
    caseworker: Client, demo_cases: dict[str, FastTrackCase], personas: Personas
) -> None:
    case = demo_cases["janni"]
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    page = caseworker.get(
        _url("case_book_meeting", case) + "?kind=retention_meeting"
    ).content.decode()

    assert "Nordisk Fabrik A/S, Industrivej 12, 2650 Hvidovre" in page
    assert 'value="manager" checked' in page
    assert 'name="union_representative_name"' in page
    assert 'name="doctor_consented"' in page
    assert 'name="companion_name"' not in page


def test_it_books_and_records_a_meeting_as_held(
    caseworker: Client, demo_cases: dict[str, FastTrackCase], personas: Personas, time_machine: Any
) -> None:
    case = demo_cases["lars"]
    response = caseworker.post(
        _url("case_book_meeting", case),
        {
            "kind": "first_conversation",
            "date": "2026-11-19",
            "time": "09:30",
            "location": "Jobcenter København",
            "participants": ["employee", "caseworker"],
            "companion_name": "Bente Bisidder",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(case=case)
    assert meeting.kind == MeetingKind.FIRST_CONVERSATION
    assert meeting.starts_at == at(date(2026, 11, 19), 9).replace(minute=30)
    assert sorted((p.name, p.party) for p in meeting.participants.all()) == [
        ("Bente Bisidder", "companion"),
        ("Lars Nielsen", "employee"),
        ("Sofie Bech", "caseworker"),
    ]

    time_machine.move_to(at(date(2026, 11, 19), 11), tick=False)
    response = caseworker.post(
        _url("case_record_meeting_held", case, meeting.pk),
        {
            "held_on": "2026-11-19",
            "minutes": "Vi aftalte en plan.",
            "tasks-TOTAL_FORMS": "2",
            "tasks-INITIAL_FORMS": "0",
            "tasks-0-party": "employee",
            "tasks-0-description": "Tal med din leder om kortere vagter.",
            "tasks-0-due_on": "2026-11-25",
        },
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    assert meeting.minutes == "Vi aftalte en plan."
    assert [(t.party, t.due_on) for t in meeting.tasks.all()] == [("employee", date(2026, 11, 25))]


def test_it_refuses_a_booking_for_a_time_gone_by_at_the_date_naming_now_r33(
    caseworker: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["lars"]
    response = caseworker.post(
        _url("case_book_meeting", case),
        {
            "kind": "first_conversation",
            # Today, but at 09:30: the clock says 10:00.
            "date": "2026-11-18",
            "time": "09:30",
            "location": "Jobcenter København",
            "participants": ["employee", "caseworker"],
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert_field_error(page, "date", danish(MeetingTimeNotInFuture(now=at(TODAY, 10))))
    assert "18. november 2026, 10:00" in page
    assert 'value="09:30"' in page
    assert not Meeting.objects.filter(case=case).exists()


def test_it_offers_to_record_a_meeting_as_held_only_from_its_day_r33(
    caseworker: Client,
    demo_cases: dict[str, FastTrackCase],
    personas: Personas,
    time_machine: Any,
) -> None:
    case = demo_cases["lars"]
    meeting = actions.book_meeting(
        case=case,
        actor=personas.sagsbehandler,
        kind="first_conversation",
        starts_at=at(date(2026, 11, 20), 9),
        location="Jobcenter København",
    )
    held_url = _url("case_record_meeting_held", case, meeting.pk)
    assert held_url not in caseworker.get(_url("case_detail", case)).content.decode()
    # A stale link answers with why, on the meeting's page.
    assert caseworker.get(held_url).status_code == 302

    time_machine.move_to(at(date(2026, 11, 23), 10), tick=False)
    assert held_url in caseworker.get(_url("case_detail", case)).content.decode()
    response = caseworker.post(
        held_url,
        {
            "held_on": "2026-11-19",
            "minutes": "Holdt.",
            "tasks-TOTAL_FORMS": "0",
            "tasks-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 400
    assert_field_error(
        response.content.decode(),
        "held_on",
        danish(HeldOnOutOfRange(earliest=date(2026, 11, 20), latest=date(2026, 11, 23))),
    )
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.BOOKED


def test_it_keeps_the_booking_input_when_the_date_is_missing(
    caseworker: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    response = caseworker.post(
        _url("case_book_meeting", demo_cases["lars"]),
        {"kind": "first_conversation", "date": "", "time": "09:30", "location": "Lokale 4"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_date-error"' in page
    assert 'value="Lokale 4"' in page
    assert not Meeting.objects.filter(case=demo_cases["lars"]).exists()


# --- plan --------------------------------------------------------------------------


def _plan_data(**overrides: str) -> dict[str, str]:
    data = {
        "summary": "Gradvis tilbagevenden.",
        "partial_leave_hours_per_week": "",
        "evaluate_on": "2026-12-15",
        "measures-TOTAL_FORMS": "2",
        "measures-INITIAL_FORMS": "0",
        "measures-MIN_NUM_FORMS": "0",
        "measures-MAX_NUM_FORMS": "20",
        "measures-0-kind": "adjusted_functions",
        "measures-0-description": "Ingen tunge løft",
        "measures-0-owner": "Arbejdsgiver",
        "measures-0-due_on": "2026-12-01",
        "measures-1-kind": "other",
        "measures-1-description": "",
        "measures-1-owner": "",
        "measures-1-due_on": "",
    }
    return data | overrides


def test_it_records_a_plan_with_its_measures(
    caseworker: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["lars"]
    response = caseworker.post(
        _url("case_record_plan", case), _plan_data(partial_leave_hours_per_week="16")
    )

    assert response.status_code == 302
    version = PlanVersion.objects.get(plan__case=case)
    assert version.measures == [
        {
            "kind": "adjusted_functions",
            "description": "Ingen tunge løft",
            "owner": "Arbejdsgiver",
            "due_on": "2026-12-01",
        }
    ]
    assert version.partial_leave_hours_per_week == 16


def test_it_refuses_too_few_hours_of_partial_leave_at_the_field(
    caseworker: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    response = caseworker.post(
        _url("case_record_plan", demo_cases["lars"]), _plan_data(partial_leave_hours_per_week="2")
    )

    page = response.content.decode()
    assert response.status_code == 400
    from decimal import Decimal

    expected = danish(PartialLeaveTooFewHours(hours=Decimal("2"), min_hours=4))
    assert_field_error(page, "partial_leave_hours_per_week", expected)
    assert "Gradvis tilbagevenden." in page
    assert 'value="Ingen tunge løft"' in page


# --- consent, late consent, withdraw, close --------------------------------------


def test_it_records_a_decline_by_phone(
    caseworker: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["janni"]
    response = caseworker.post(
        _url("case_record_consent", case), {"decision": "decline", "channel": "phone"}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.DECLINED
    assert Consent.objects.get(case=case).channel == "phone"


def test_it_asks_for_the_answers_when_an_acceptance_is_recorded_without_them(
    caseworker: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    response = caseworker.post(
        _url("case_record_consent", demo_cases["janni"]),
        {"decision": "accept", "channel": "letter", "affected_functions": "Løft"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    expected = danish(AnswersRequired(missing="affected_duration, adjustments_tried"))
    assert_field_error(page, "affected_duration", expected)
    assert_field_error(page, "adjustments_tried", expected)
    assert "Løft</textarea>" in page


def test_it_decides_after_a_missing_consent(
    login: Callable[[User], Client],
    personas: Personas,
    demo_cases: dict[str, FastTrackCase],
    time_machine: Any,
) -> None:
    case = demo_cases["janni"]
    time_machine.move_to(at(TODAY + timedelta(days=7)), tick=False)
    # A week later the session has expired: log in again.
    caseworker = login(personas.sagsbehandler)
    page = caseworker.get(_url("case_detail", case)).content.decode()
    assert _url("case_decide_late_consent", case) in page

    response = caseworker.post(
        _url("case_decide_late_consent", case),
        {"decision": "fall_back", "reason": "Janni svarede ikke."},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.DECLINED


def test_it_wants_a_reason_for_the_late_consent_decision(
    login: Callable[[User], Client],
    personas: Personas,
    demo_cases: dict[str, FastTrackCase],
    time_machine: Any,
) -> None:
    time_machine.move_to(at(TODAY + timedelta(days=7)), tick=False)
    # A week later the session has expired: log in again.
    caseworker = login(personas.sagsbehandler)
    response = caseworker.post(
        _url("case_decide_late_consent", demo_cases["janni"]), {"decision": "fall_back"}
    )

    assert response.status_code == 400
    assert_field_error(response.content.decode(), "reason", danish(ReasonRequired(rule="R-12")))


def test_it_withdraws_a_request_with_a_reason(
    caseworker: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["janni"]
    url = _url("case_withdraw", case)

    refused = caseworker.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert_field_error(refused.content.decode(), "reason", danish(ReasonRequired(rule="withdraw")))

    assert caseworker.post(url, {"reason": "Arbejdsgiveren ringede."}).status_code == 302
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN


def test_it_closes_a_case_with_an_outcome(
    caseworker: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["lars"]
    url = _url("case_close", case)

    refused = caseworker.post(url, {"note": "Tilbage"})
    assert refused.status_code == 400
    assert 'id="id_outcome-error"' in refused.content.decode()
    assert "Tilbage</textarea>" in refused.content.decode()

    assert caseworker.post(url, {"outcome": "back_part_time", "note": ""}).status_code == 302
    case.refresh_from_db()
    assert (case.state, case.outcome) == (State.CLOSED, "back_part_time")


def test_it_hides_actions_the_state_does_not_allow(
    caseworker: Client, demo_cases: dict[str, FastTrackCase]
) -> None:
    # Janni has not answered: no meetings, plan or closing yet.
    page = caseworker.get(_url("case_detail", demo_cases["janni"])).content.decode()

    assert _url("case_book_meeting", demo_cases["janni"]) not in page
    assert _url("case_close", demo_cases["janni"]) not in page
    assert _url("case_withdraw", demo_cases["janni"]) in page
    assert _url("case_record_consent", demo_cases["janni"]) in page
