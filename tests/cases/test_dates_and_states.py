"""R-33 and R-35 through the actions: only dates that make sense, one of each at a time.

Each refusal is the same rule-error type for every face (the web puts it at
its field, the API answers 422 on the field or 409), and changes nothing.
The pages ask the same guards before they offer a button, so each test also
checks that the predicate says no where the action refuses.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions, guards
from fasttrack.cases.errors import (
    CertificateAlreadyRequested,
    ClosedOnOutOfRange,
    EmployerConversationOutOfRange,
    EvaluationBeforeAbsence,
    ExpectedReturnBeforeAbsence,
    FirstConversationAlreadyHeld,
    HeldOnOutOfRange,
    InvalidTransition,
    MeasureDueBeforeAbsence,
    MeetingAlreadyBooked,
    MeetingNotYetHeld,
    MeetingStillBooked,
    MeetingTimeNotInFuture,
)
from fasttrack.medical.models import Certificate, CertificateRequest
from fasttrack.meetings.models import Meeting, MeetingKind, MeetingState
from fasttrack.notifications.models import Message
from fasttrack.plans.models import PlanVersion
from tests.cases.conftest import COPENHAGEN, EMPLOYEE_ANSWERS, at

D0 = date(2026, 12, 1)
REQUESTED = date(2026, 12, 4)  # a Friday
TODAY = date(2026, 12, 6)  # a Sunday, as in the walk that found the gaps

CERTIFICATE: dict[str, Any] = {
    "diagnosis": "Albue",
    "work_capacity": "20 timer om ugen",
    "considerations": "",
    "expected_return": "",
    "remarks": "",
}


@pytest.fixture
def case(employer_request, personas, travel):
    made = employer_request(first_absence_day=D0, today=REQUESTED, nearest_manager=personas.leder)
    actions.accept(case=made, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.assign_caseworker(case=made, actor=personas.sagsbehandler)
    travel(TODAY)
    made.refresh_from_db()
    return made


def _book(case, personas, *, kind="first_conversation", starts_at=None, **extra):
    return actions.book_meeting(
        case=case,
        actor=personas.sagsbehandler,
        kind=kind,
        starts_at=starts_at or at(date(2026, 12, 9), 10),
        location="Jobcenter København",
        **extra,
    )


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=COPENHAGEN)


# --- a meeting is booked or moved only to a time to come ---------------------------


@pytest.mark.parametrize(
    "starts_at",
    [
        pytest.param(_moment(date(2026, 12, 1), 10), id="1-december"),
        pytest.param(_moment(TODAY, 9, 59), id="a-minute-ago"),
        pytest.param(_moment(TODAY, 10), id="this-very-minute"),
    ],
)
def test_it_books_no_meeting_for_a_time_gone_by_and_names_now_r33(case, personas, starts_at):
    with pytest.raises(MeetingTimeNotInFuture) as refused:
        _book(case, personas, starts_at=starts_at)

    assert refused.value.rule_id == "R-33"
    assert refused.value.field_path() == "starts_at"
    # The allowed range: after now, in Danish time.
    assert refused.value.params == {"now": _moment(TODAY, 10)}
    assert not Meeting.objects.exists()
    # No invitation went out for it.
    assert not Message.objects.filter(kind="meeting_invitation").exists()


def test_it_books_a_sunday_evening_that_is_still_to_come_in_danish_time_r33(case, personas):
    # 23:30 Danish time is 22:30 UTC: still today, still to come.
    meeting = _book(case, personas, starts_at=_moment(TODAY, 23, 30))

    assert meeting.starts_at == _moment(TODAY, 23, 30)


def test_it_moves_a_meeting_only_to_a_time_to_come_r33(case, personas):
    meeting = _book(case, personas)

    with pytest.raises(MeetingTimeNotInFuture):
        actions.rebook_meeting(
            case=case,
            actor=personas.sagsbehandler,
            meeting=meeting,
            starts_at=_moment(date(2026, 12, 5), 10),
            reason="Flyttet",
        )
    # A new place alone keeps the time, which may stay as it was.
    actions.rebook_meeting(
        case=case, actor=personas.sagsbehandler, meeting=meeting, location="Rådhuset", reason="x"
    )
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.location) == (at(date(2026, 12, 9), 10), "Rådhuset")


# --- held on a day from the booked day to today --------------------------------------


def test_it_records_a_meeting_as_held_only_once_its_day_has_come_r33(case, personas, travel):
    meeting = _book(case, personas)
    assert not guards.can_record_held(meeting)

    # The walk's case: held "on 9 December", recorded on 6 December.
    with pytest.raises(MeetingNotYetHeld) as refused:
        actions.record_meeting_held(
            case=case,
            actor=personas.sagsbehandler,
            meeting=meeting,
            held_on=date(2026, 12, 9),
            minutes="x",
        )
    assert isinstance(refused.value, InvalidTransition)  # 409: nothing to choose yet
    assert refused.value.params == {"starts_on": date(2026, 12, 9)}
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.BOOKED
    assert case.deadlines.get(key="first_followup_conversation").status == "pending"

    travel(date(2026, 12, 9))
    assert guards.can_record_held(meeting)


@pytest.mark.parametrize(
    "held_on",
    [date(2026, 12, 8), date(2026, 12, 11)],
    ids=["before-the-booked-day", "after-today"],
)
def test_it_takes_a_held_day_only_from_the_booked_day_to_today_r33(case, personas, travel, held_on):
    meeting = _book(case, personas)
    travel(date(2026, 12, 10))

    with pytest.raises(HeldOnOutOfRange) as refused:
        actions.record_meeting_held(
            case=case, actor=personas.sagsbehandler, meeting=meeting, held_on=held_on, minutes="x"
        )

    assert refused.value.field_path() == "held_on"
    assert refused.value.params == {"earliest": date(2026, 12, 9), "latest": date(2026, 12, 10)}
    assert not CaseEvent.objects.filter(case=case, verb="meeting_held").exists()


# --- no date of the parties before the absence began ----------------------------------


def test_it_refuses_an_expected_return_before_the_first_absence_day_r33(case, personas):
    actions.request_certificate(case=case, actor=personas.sagsbehandler)

    with pytest.raises(ExpectedReturnBeforeAbsence) as refused:
        actions.record_certificate(
            case=case,
            actor=personas.laege,
            expected_return_on=date(2026, 11, 1),
            **CERTIFICATE,
        )

    assert refused.value.field_path() == "expected_return_on"
    assert refused.value.params == {"first_absence_day": D0}
    assert not Certificate.objects.exists()
    actions.record_certificate(
        case=case, actor=personas.laege, expected_return_on=D0, **CERTIFICATE
    )


def test_it_refuses_plan_dates_before_the_first_absence_day_r33(case, personas):
    with pytest.raises(EvaluationBeforeAbsence):
        actions.record_plan(
            case=case,
            actor=personas.sagsbehandler,
            summary="x",
            measures=[],
            evaluate_on=date(2026, 11, 30),
        )
    with pytest.raises(MeasureDueBeforeAbsence) as refused:
        actions.record_plan(
            case=case,
            actor=personas.sagsbehandler,
            summary="x",
            measures=[
                {"kind": "treatment", "description": "a", "due_on": date(2026, 12, 20)},
                {"kind": "aids", "description": "b", "due_on": "2026-11-02"},
            ],
        )

    assert refused.value.field_path() == "measures.1.due_on"
    assert not PlanVersion.objects.exists()


@pytest.mark.parametrize(
    "on", [date(2026, 12, 3), date(2026, 12, 7)], ids=["before-the-request", "tomorrow"]
)
def test_it_closes_a_case_on_a_day_from_the_request_to_today_r33(case, personas, on):
    with pytest.raises(ClosedOnOutOfRange) as refused:
        actions.close(case=case, actor=personas.sagsbehandler, outcome="back_full_time", on=on)

    assert refused.value.params == {"earliest": REQUESTED, "latest": TODAY}
    case.refresh_from_db()
    assert case.state == "active"


def test_it_takes_the_employers_own_conversation_from_d0_to_today_r33(case, personas):
    for held_on in (date(2026, 11, 30), date(2026, 12, 7)):
        with pytest.raises(EmployerConversationOutOfRange):
            actions.record_employer_conversation(case=case, actor=personas.hr, held_on=held_on)

    actions.record_employer_conversation(case=case, actor=personas.hr, held_on=TODAY)
    row = case.deadlines.get(key="employer_sick_absence_conversation")
    assert (row.status, row.met_on) == ("met", TODAY)


# --- one of each at a time -----------------------------------------------------------


def test_it_books_one_meeting_of_a_kind_at_a_time_naming_the_one_booked_r35(case, personas):
    booked = _book(case, personas)
    assert not guards.can_book_meeting(case, MeetingKind.FIRST_CONVERSATION)
    assert guards.can_book_meeting(case, MeetingKind.RETENTION_MEETING)

    # The walk's case: a second first conversation, on a Sunday at 23:30.
    with pytest.raises(MeetingAlreadyBooked) as refused:
        _book(case, personas, starts_at=_moment(date(2026, 12, 13), 23, 30))

    assert isinstance(refused.value, InvalidTransition)  # 409
    assert refused.value.rule_id == "R-35"
    assert refused.value.params == {"kind": "first_conversation", "starts_at": booked.starts_at}
    assert Meeting.objects.count() == 1

    # Cancelled, the kind is free again.
    actions.cancel_meeting(case=case, actor=personas.sagsbehandler, meeting=booked, reason="x")
    assert guards.can_book_meeting(case, MeetingKind.FIRST_CONVERSATION)
    _book(case, personas, starts_at=at(date(2026, 12, 10)))


def test_it_holds_one_first_conversation_only_r35(case, personas, travel):
    meeting = _book(case, personas)
    travel(date(2026, 12, 9))
    actions.record_meeting_held(
        case=case,
        actor=personas.sagsbehandler,
        meeting=meeting,
        held_on=date(2026, 12, 9),
        minutes="x",
    )

    with pytest.raises(FirstConversationAlreadyHeld) as refused:
        _book(case, personas, starts_at=at(date(2026, 12, 14)))

    assert refused.value.params == {"held_on": date(2026, 12, 9)}
    assert not guards.can_book_meeting(case, MeetingKind.FIRST_CONVERSATION)
    # Retention meetings may follow one another once held.
    retention = _book(case, personas, kind="retention_meeting", starts_at=at(date(2026, 12, 10)))
    travel(date(2026, 12, 10))
    actions.record_meeting_held(
        case=case,
        actor=personas.sagsbehandler,
        meeting=retention,
        held_on=date(2026, 12, 10),
        minutes="x",
    )
    assert guards.can_book_meeting(case, MeetingKind.RETENTION_MEETING)


def test_it_asks_the_doctor_once_at_a_time_r35(case, personas):
    first = actions.request_certificate(case=case, actor=personas.sagsbehandler)
    assert not guards.can_request_certificate(case)

    # The walk's case: "Bed om lægeattest" stayed offered after a request.
    with pytest.raises(CertificateAlreadyRequested) as refused:
        actions.request_certificate(case=case, actor=personas.sagsbehandler)

    assert isinstance(refused.value, InvalidTransition)
    assert refused.value.params == {"requested_on": TODAY, "due_on": first.due_on}
    assert CertificateRequest.objects.count() == 1
    assert Message.objects.filter(kind="certificate_request").count() == 1

    actions.record_certificate(case=case, actor=personas.laege, **CERTIFICATE)
    assert guards.can_request_certificate(case)


def test_it_closes_no_case_while_its_retention_meeting_is_booked_r35(case, personas, travel):
    # The walk's case: closed before its retention meeting was held.
    meeting = _book(case, personas, kind="retention_meeting")
    assert not guards.can_close(case)

    with pytest.raises(MeetingStillBooked):
        actions.close(case=case, actor=personas.sagsbehandler, outcome="back_part_time")

    travel(date(2026, 12, 9))
    actions.record_meeting_held(
        case=case,
        actor=personas.sagsbehandler,
        meeting=meeting,
        held_on=date(2026, 12, 9),
        minutes="x",
    )
    assert guards.can_close(case)
    actions.close(case=case, actor=personas.sagsbehandler, outcome="back_part_time")


def test_the_guards_decide_alike_from_rows_the_page_read_r35(case, personas, travel):
    """The case page hands the guards the meetings and certificate requests it read;
    every answer, refusal and its parameters included, is the one the database gives."""

    def decisions() -> list[Any]:
        meetings = list(Meeting.objects.filter(case=case))
        requests = list(CertificateRequest.objects.filter(case=case))
        pairs = [
            (
                guards.refusal_to_book_meeting(case, kind),
                guards.refusal_to_book_meeting(case, kind, meetings=meetings),
            )
            for kind in MeetingKind
        ]
        pairs.append(
            (guards.refusal_to_close(case), guards.refusal_to_close(case, meetings=meetings))
        )
        pairs.append(
            (
                guards.refusal_to_request_certificate(case),
                guards.refusal_to_request_certificate(case, requests=requests),
            )
        )
        for read, given in pairs:
            assert type(read) is type(given)
            assert getattr(read, "params", None) == getattr(given, "params", None)
        return [type(read).__name__ for read, _ in pairs]

    assert decisions() == ["NoneType", "NoneType", "NoneType", "NoneType"]
    first = _book(case, personas)
    cancelled = _book(case, personas, kind="retention_meeting", starts_at=at(date(2026, 12, 8)))
    actions.cancel_meeting(case=case, actor=personas.sagsbehandler, meeting=cancelled, reason="x")
    _book(case, personas, kind="retention_meeting", starts_at=at(date(2026, 12, 11)))
    actions.request_certificate(case=case, actor=personas.sagsbehandler)
    assert decisions() == [
        "MeetingAlreadyBooked",
        "MeetingAlreadyBooked",
        "MeetingStillBooked",
        "CertificateAlreadyRequested",
    ]
    travel(date(2026, 12, 9))
    actions.record_meeting_held(
        case=case,
        actor=personas.sagsbehandler,
        meeting=first,
        held_on=date(2026, 12, 9),
        minutes="x",
    )
    actions.record_certificate(case=case, actor=personas.laege, **CERTIFICATE)
    assert decisions() == [
        "FirstConversationAlreadyHeld",
        "MeetingAlreadyBooked",
        "MeetingStillBooked",
        "NoneType",
    ]


def test_it_builds_a_history_as_of_an_earlier_moment_for_the_demo_without_invitations(
    case, personas
):
    """``now`` lets a history be booked after the fact; no invitation goes to the past."""
    meeting = _book(
        case,
        personas,
        starts_at=_moment(date(2026, 12, 5), 10),
        now=_moment(date(2026, 12, 4), 12),
    )

    assert meeting.starts_at < _moment(TODAY, 10)
    assert not Message.objects.filter(kind="meeting_invitation").exists()
    assert timedelta(0) < _moment(TODAY, 10) - meeting.starts_at
