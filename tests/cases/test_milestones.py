"""Milestones through the actions: R-16 (certificate), R-19 (first conversation),
R-21 (retention meeting target), R-22 (partial sick leave)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fasttrack.cases import actions
from fasttrack.cases.errors import (
    CertificateDueTooSoon,
    ClinicMissing,
    NotPermitted,
    PartialLeaveTooFewHours,
)
from fasttrack.medical.models import CertificateRequest
from tests.cases.conftest import JANNI_CPR, at, deadline

D0 = date(2026, 3, 2)
REQUESTED = date(2026, 3, 9)  # a Monday; the first conversation is due 23 March


@pytest.fixture
def active_case(employee_request):
    return employee_request(first_absence_day=D0, today=REQUESTED)


CERTIFICATE: dict[str, Any] = {
    "diagnosis": "Discusprolaps L4/L5",
    "work_capacity": "Kan arbejde 20 timer om ugen uden tunge løft.",
    "considerations": "Ingen løft over 10 kg.",
    "expected_return": "Delvis nu, fuld om 8 uger.",
    "remarks": "",
}


@pytest.mark.parametrize(
    ("due_in_days", "due"),
    [
        # 14 days would be 24 March, a day after the first conversation's deadline.
        (None, date(2026, 3, 23)),
        (8, date(2026, 3, 18)),
        (13, date(2026, 3, 23)),
    ],
)
def test_it_gives_the_doctor_until_the_first_conversation_or_the_chosen_days_r16(
    active_case, personas, travel, due_in_days, due
):
    travel(date(2026, 3, 10))
    actions.request_certificate(
        case=active_case, actor=personas.sagsbehandler, due_in_days=due_in_days
    )

    row = deadline(active_case, "medical_certificate")
    assert (row.due_on, row.rule_id, row.status) == (due, "R-16", "pending")


def test_it_refuses_fewer_than_8_days_for_the_doctor_r16(active_case, personas):
    with pytest.raises(CertificateDueTooSoon):
        actions.request_certificate(case=active_case, actor=personas.sagsbehandler, due_in_days=7)
    assert not CertificateRequest.objects.exists()


def test_it_meets_the_certificate_deadline_on_time_and_misses_it_late_r16(
    active_case, personas, travel
):
    travel(date(2026, 3, 10))
    actions.request_certificate(case=active_case, actor=personas.sagsbehandler)
    travel(date(2026, 3, 25))

    actions.record_certificate(case=active_case, actor=personas.laege, **CERTIFICATE)

    row = deadline(active_case, "medical_certificate")
    assert (row.status, row.met_on) == ("missed", date(2026, 3, 25))
    # A new request starts the milestone over. The first conversation's
    # deadline has passed with none booked, so the doctor gets the 8 days.
    actions.request_certificate(case=active_case, actor=personas.sagsbehandler)
    row = deadline(active_case, "medical_certificate")
    assert (row.status, row.met_on, row.due_on) == ("pending", None, date(2026, 4, 2))


def test_it_needs_the_employees_clinic_r15(active_case, personas, demo_world):
    janni = demo_world.persons[JANNI_CPR]
    janni.clinic = None
    janni.save()
    with pytest.raises(ClinicMissing):
        actions.request_certificate(case=active_case, actor=personas.sagsbehandler)


def test_it_lets_only_the_requested_clinics_doctor_record_the_certificate(active_case, personas):
    actions.request_certificate(case=active_case, actor=personas.sagsbehandler)
    for actor in (personas.sagsbehandler, personas.janni, personas.hr):
        with pytest.raises(NotPermitted):
            actions.record_certificate(case=active_case, actor=actor, **CERTIFICATE)


def test_it_meets_the_first_conversation_when_held_not_when_booked_r19(
    active_case, personas, travel
):
    travel(date(2026, 3, 12))
    meeting = actions.book_meeting(
        case=active_case,
        actor=personas.sagsbehandler,
        kind="first_conversation",
        starts_at=at(date(2026, 3, 23)),
    )
    row = deadline(active_case, "first_followup_conversation")
    assert (row.due_on, row.status, row.rule_id) == (date(2026, 3, 23), "pending", "R-19")

    travel(date(2026, 3, 23))
    actions.record_meeting_held(
        case=active_case,
        actor=personas.sagsbehandler,
        meeting=meeting,
        held_on=date(2026, 3, 23),
        minutes="Talt om skånehensyn.",
    )
    row = deadline(active_case, "first_followup_conversation")
    assert (row.status, row.met_on) == ("met", date(2026, 3, 23))


def test_it_keeps_a_late_first_conversation_missed_with_its_date_r19(active_case, personas, travel):
    meeting = actions.book_meeting(
        case=active_case,
        actor=personas.sagsbehandler,
        kind="first_conversation",
        starts_at=at(date(2026, 3, 24)),
    )
    travel(date(2026, 3, 24))
    actions.record_meeting_held(
        case=active_case,
        actor=personas.sagsbehandler,
        meeting=meeting,
        held_on=date(2026, 3, 24),
        minutes="",
    )

    row = deadline(active_case, "first_followup_conversation")
    assert (row.status, row.met_on) == ("missed", date(2026, 3, 24))


def test_it_sets_the_retention_meeting_target_a_month_after_d0_r21(active_case):
    row = deadline(active_case, "retention_meeting")
    assert (row.due_on, row.legal, row.rule_id) == (date(2026, 4, 2), False, "R-21")


def test_it_moves_the_retention_target_after_a_late_first_conversation_r21(employee_request):
    # Requested on D0 + 30: the conversation is due D0 + 44, after D0 + 1 month.
    case = employee_request(first_absence_day=D0, today=date(2026, 4, 1))

    assert deadline(case, "first_followup_conversation").due_on == date(2026, 4, 15)
    row = deadline(case, "retention_meeting")
    assert (row.due_on, row.counts_from) == (date(2026, 4, 29), date(2026, 4, 15))


def test_it_meets_the_retention_meeting_when_held_r21(active_case, personas, travel):
    meeting = actions.book_meeting(
        case=active_case,
        actor=personas.sagsbehandler,
        kind="retention_meeting",
        starts_at=at(date(2026, 3, 30)),
        location="Nordisk Fabrik",
        participants=[
            {"user": personas.leder, "role": "manager"},
            {"name": "Janni Mikkelsen", "role": "employee"},
        ],
    )
    # The caseworker, a required party, is added from the case (meetings.parties).
    assert [(p.name, p.party) for p in meeting.participants.all()] == [
        ("Janni Mikkelsen", "employee"),
        ("Lars Eriksen", "nearest_manager"),
        (personas.sagsbehandler.get_full_name(), "caseworker"),
    ]
    travel(date(2026, 3, 30))
    actions.record_meeting_held(
        case=active_case,
        actor=personas.sagsbehandler,
        meeting=meeting,
        held_on=date(2026, 3, 30),
        minutes="Plan aftalt.",
    )

    assert deadline(active_case, "retention_meeting").status == "met"


@pytest.mark.parametrize("hours", [3, 3.5])
def test_it_refuses_partial_sick_leave_under_4_hours_r22(active_case, personas, hours):
    with pytest.raises(PartialLeaveTooFewHours):
        actions.record_plan(
            case=active_case,
            actor=personas.sagsbehandler,
            summary="Delvis raskmelding",
            measures=[],
            partial_leave_hours_per_week=hours,
        )


def test_it_versions_the_plan(active_case, personas):
    first = actions.record_plan(
        case=active_case,
        actor=personas.sagsbehandler,
        summary="v1",
        measures=[],
        partial_leave_hours_per_week=4,
    )
    second = actions.record_plan(
        case=active_case,
        actor=personas.sagsbehandler,
        summary="v2",
        measures=[
            {
                "kind": "aids",
                "description": "Hæve-sænkebord",
                "owner": "Arbejdsgiver",
                "due_on": date(2026, 4, 1),
            }
        ],
    )
    assert (first.number, second.number) == (1, 2)
    assert second.measures[0]["due_on"] == "2026-04-01"
