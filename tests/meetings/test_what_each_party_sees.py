"""What each party sees of a meeting, on every face (``meetings.access``; R-18, R-28).

The employer side (HR, the nearest manager) never learns that a doctor is
involved: not on the case page, the meeting page, the API's meeting JSON, the
web and API calendar files, nor in the e-mailed invitation's calendar file.
The doctor sees a meeting, and the case, only after a certificate request to
their clinic.

Issue 12, finding 3; and finding 12: the doctor before a certificate request.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from fasttrack.api.tokens import issue_token
from fasttrack.cases import actions
from fasttrack.cases.errors import DoctorNotAskedForCertificate
from fasttrack.meetings.models import Meeting, MeetingParticipant
from fasttrack.notifications.models import Message
from tests.meetings.conftest import SUMMER, at

DOCTOR_NAME = "Karen Lund"
DOCTOR_EMAIL = "laege@example.dk"
DOCTOR_TASK = "Vurder skånehensyn ved pakkelinjen"
EVERYONE = {"employee", "nearest_manager", "caseworker", "doctor"}
WITHOUT_DOCTOR = {"employee", "nearest_manager", "caseworker"}


def _api(user: Any, path: str) -> Any:
    token = issue_token(user=user, name="test")[1]
    return Client().get(path, headers={"Authorization": f"Bearer {token}"})


def _attendees(ics: bytes | str) -> set[str]:
    calendar = icalendar.Calendar.from_ical(ics)
    event = next(iter(calendar.walk("VEVENT")))
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    return {str(a).removeprefix("mailto:").lower() for a in attendees}


def _mentions_doctor(text: str) -> bool:
    return DOCTOR_NAME in text or DOCTOR_EMAIL in text or DOCTOR_TASK in text


# --- pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "sees_doctor"),
    [("hr", False), ("leder", False), ("janni", True), ("sagsbehandler", True)],
)
def test_the_case_page_names_the_doctor_only_off_the_employer_side(
    with_doctor, login, personas, username, sees_doctor
):
    page = login(personas.all()[username]).get(
        reverse("web:case_detail", args=[with_doctor.case_id])
    )

    assert page.status_code == 200
    text = page.content.decode()
    assert f'data-meeting="{with_doctor.pk}"' in text
    assert _mentions_doctor(text) is sees_doctor


@pytest.mark.parametrize(
    ("username", "sees_doctor"),
    [
        ("hr", False),
        ("leder", False),
        ("janni", True),
        ("sagsbehandler", True),
        ("jobcenterchef", True),
        ("laege", True),
    ],
)
def test_the_meeting_page_names_the_doctor_only_off_the_employer_side(
    with_doctor, login, personas, username, sees_doctor
):
    url = reverse("web:meeting_detail", args=[with_doctor.case_id, with_doctor.pk])

    page = login(personas.all()[username]).get(url)

    assert page.status_code == 200
    text = page.content.decode()
    assert ('data-party="doctor"' in text) is sees_doctor
    assert _mentions_doctor(text) is sees_doctor


def test_the_doctors_task_stays_off_the_employer_sides_minutes(
    with_doctor, login, personas, travel
):
    travel(date(2026, 3, 21))
    actions.record_meeting_held(
        case=with_doctor.case,
        actor=personas.sagsbehandler,
        meeting=with_doctor,
        held_on=date(2026, 3, 20),
        minutes="Aftalt: lettere opgaver.",
        tasks=[
            {"party": "doctor", "description": DOCTOR_TASK, "due_on": None},
            {"party": "nearest_manager", "description": "Find opgaver", "due_on": None},
        ],
    )
    url = reverse("web:meeting_detail", args=[with_doctor.case_id, with_doctor.pk])

    for user, sees in [(personas.leder, False), (personas.hr, False), (personas.janni, True)]:
        text = login(user).get(url).content.decode()
        assert "Find opgaver" in text, user.username
        assert (DOCTOR_TASK in text) is sees, user.username


# --- calendar files -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "sees_doctor"),
    [("leder", False), ("janni", True), ("sagsbehandler", True), ("laege", True)],
)
def test_the_web_calendar_file_names_the_doctor_only_off_the_employer_side(
    with_doctor, login, personas, username, sees_doctor
):
    url = reverse("web:meeting_ics", args=[with_doctor.case_id, with_doctor.pk])

    response = login(personas.all()[username]).get(url)

    assert response.status_code == 200
    assert (DOCTOR_EMAIL in _attendees(response.content)) is sees_doctor
    assert _mentions_doctor(response.content.decode()) is sees_doctor
    assert personas.leder.email.lower() in _attendees(response.content)


@pytest.mark.parametrize(
    ("username", "sees_doctor"),
    [("leder", False), ("janni", True), ("sagsbehandler", True), ("laege", True)],
)
def test_the_api_calendar_file_names_the_doctor_only_off_the_employer_side(
    with_doctor, personas, username, sees_doctor
):
    path = f"/api/v1/cases/{with_doctor.case_id}/meetings/{with_doctor.pk}/invite.ics"

    response = _api(personas.all()[username], path)

    assert response.status_code == 200
    assert (DOCTOR_EMAIL in _attendees(response.content)) is sees_doctor
    assert _mentions_doctor(response.content.decode()) is sees_doctor


def test_hr_who_does_not_take_part_gets_no_calendar_file(with_doctor, login, personas):
    web = reverse("web:meeting_ics", args=[with_doctor.case_id, with_doctor.pk])
    api = f"/api/v1/cases/{with_doctor.case_id}/meetings/{with_doctor.pk}/invite.ics"

    assert login(personas.hr).get(web).status_code == 404
    assert _api(personas.hr, api).status_code == 404


@pytest.mark.parametrize("change", ["booked", "rebooked", "cancelled"])
def test_the_emailed_calendar_file_names_the_doctor_only_off_the_employer_side(
    with_doctor, rebook, personas, change
):
    if change == "rebooked":
        rebook(with_doctor, starts_at=at(SUMMER), reason="Lokalet er optaget")
    elif change == "cancelled":
        actions.cancel_meeting(
            case=with_doctor.case,
            actor=personas.sagsbehandler,
            meeting=with_doctor,
            reason="Janni er indlagt",
        )
    kind = {"booked": "meeting_invitation"}.get(change, f"meeting_{change}")
    emails = {
        str(m.recipient_user): m
        for m in Message.objects.filter(kind=kind, channel="email").select_related("recipient_user")
    }

    assert {"leder", "janni", "laege"} <= set(emails)
    for username, message in emails.items():
        (attachment,) = message.attachments
        sees = username != "leder"
        assert (DOCTOR_EMAIL in _attendees(attachment["content"])) is sees, username
        assert _mentions_doctor(attachment["content"] + message.body_text) is sees, username


# --- the API's meeting JSON -----------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "parties"),
    [
        ("hr", WITHOUT_DOCTOR),
        ("leder", WITHOUT_DOCTOR),
        ("janni", EVERYONE),
        ("sagsbehandler", EVERYONE),
    ],
)
def test_the_api_case_names_the_doctor_only_off_the_employer_side(
    with_doctor, personas, username, parties
):
    response = _api(personas.all()[username], f"/api/v1/cases/{with_doctor.case_id}")

    assert response.status_code == 200
    (meeting,) = response.json()["meetings"]
    assert {p["party"] for p in meeting["participants"]} == parties
    assert _mentions_doctor(response.content.decode()) is ("doctor" in parties)


# --- the doctor sees a meeting only after a certificate request (R-28) ----------------


def test_a_doctor_cannot_be_invited_before_a_certificate_request(book, on_day, personas):
    doctor = {"user": personas.laege, "role": "doctor", "party": "doctor"}

    with pytest.raises(DoctorNotAskedForCertificate):
        book(participants=[{**doctor, "employee_consented": True}])

    assert not Meeting.objects.exists()


def test_the_api_refuses_the_doctor_before_a_certificate_request_at_the_field(
    case, on_day, personas
):
    token = issue_token(user=personas.sagsbehandler, name="test")[1]
    body = {
        "kind": "retention_meeting",
        "starts_at": "2026-03-20T13:00:00+01:00",
        "location": "Nordisk Fabrik",
        "participants": [
            {"party": "employee"},
            {"party": "doctor", "employee_consented": True},
        ],
    }

    response = Client().post(
        f"/api/v1/cases/{case.pk}/meetings",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"participants.1.party"}
    assert not Meeting.objects.exists()


def test_the_booking_page_refuses_the_doctor_before_a_certificate_request_at_the_field(
    case, on_day, login, personas
):
    response = login(personas.sagsbehandler).post(
        reverse("web:case_book_meeting", args=[case.pk]),
        {
            "kind": "retention_meeting",
            "date": "2026-03-20",
            "time": "13:00",
            "location": "Nordisk Fabrik",
            "participants": ["employee", "manager", "caseworker"],
            "doctor": str(personas.laege.pk),
            "doctor_consented": "on",
        },
    )

    assert response.status_code == 400
    assert 'id="id_doctor-error"' in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.fixture
def doctor_never_asked(book, on_day, personas) -> Meeting:
    """A meeting booked before the rule held: the doctor is among the participants,
    but their clinic was never asked for a certificate."""
    meeting = book()
    MeetingParticipant.objects.create(
        meeting=meeting,
        user=personas.laege,
        name=DOCTOR_NAME,
        role="doctor",
        party="doctor",
        employee_consented=True,
    )
    return meeting


def test_a_doctor_taking_part_without_a_certificate_request_sees_nothing(
    doctor_never_asked, login, personas
):
    meeting = doctor_never_asked
    client = login(personas.laege)
    api = f"/api/v1/cases/{meeting.case_id}/meetings/{meeting.pk}/invite.ics"

    assert (
        client.get(reverse("web:meeting_detail", args=[meeting.case_id, meeting.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("web:meeting_ics", args=[meeting.case_id, meeting.pk])).status_code
        == 404
    )
    assert client.get(reverse("web:case_detail", args=[meeting.case_id])).status_code == 404
    assert _api(personas.laege, api).status_code == 404

    actions.request_certificate(case=meeting.case, actor=personas.sagsbehandler)

    assert (
        client.get(reverse("web:meeting_detail", args=[meeting.case_id, meeting.pk])).status_code
        == 200
    )
    assert _api(personas.laege, api).status_code == 200


def test_a_doctor_who_may_not_see_the_meeting_gets_no_letter_about_it(doctor_never_asked, rebook):
    rebook(doctor_never_asked, starts_at=at(SUMMER), reason="Lokalet er optaget")

    recipients = set(
        Message.objects.filter(kind="meeting_rebooked").values_list(
            "recipient_user__username", flat=True
        )
    )
    assert "laege" not in recipients
    assert {"janni", "leder", "sagsbehandler"} <= recipients
