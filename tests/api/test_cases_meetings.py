"""Meetings through the API: booking, recording as held, the invitation (R-19, R-21)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import icalendar
import pytest
from django.utils import timezone

from fasttrack.audit.models import AccessLogEntry
from fasttrack.cases import actions
from fasttrack.meetings.models import Meeting, MeetingKind, MeetingState
from fasttrack.people.models import Membership, Role
from tests.api.conftest import EMPLOYEE_ANSWERS

CERTIFICATE: dict[str, Any] = {
    "diagnosis": "Secret diagnosis",
    "work_capacity": "Four hours a day",
    "considerations": "",
    "expected_return": "",
    "remarks": "",
}


def tomorrow_at_ten() -> str:
    day = timezone.localdate() + timedelta(days=1)
    return f"{day.isoformat()}T10:00:00+01:00"


def booking(**fields):
    return {
        "kind": "first_conversation",
        "starts_at": tomorrow_at_ten(),
        "location": "Jobcenter København",
        **fields,
    }


@pytest.fixture
def caseworker(personas, api_as):
    return api_as(personas.sagsbehandler)


def book(api, case, **fields):
    return api.post(f"/api/v1/cases/{case.pk}/meetings", booking(**fields))


# --- booking ---------------------------------------------------------------------------
# Which persona may book and record a meeting: the table in test_personas.py.


def test_the_caseworker_books_the_first_conversation_with_its_usual_parties(
    caseworker, active_case, personas
):
    response = book(caseworker, active_case)

    assert response.status_code == 201
    meeting = response.json()
    stored = Meeting.objects.get(pk=meeting["id"])
    assert stored.case_id == active_case.pk
    assert meeting["kind"] == "first_conversation"
    assert meeting["state"] == "booked"
    assert meeting["location"] == "Jobcenter København"
    assert meeting["participants"] == [
        {"party": "employee", "name": "Janni Mikkelsen", "role": "employee"},
        {"party": "caseworker", "name": "Sofie Bech", "role": "caseworker"},
    ]
    assert stored.participants.get(role=Role.CASEWORKER).user == personas.sagsbehandler
    assert stored.participants.get(role=Role.EMPLOYEE).user == personas.janni


def test_the_retention_meeting_adds_the_nearest_manager(caseworker, active_case, personas):
    response = book(caseworker, active_case, kind="retention_meeting")

    assert response.status_code == 201
    parties = [p["party"] for p in response.json()["participants"]]
    assert parties == ["employee", "nearest_manager", "caseworker"]
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.participants.get(role=Role.MANAGER).user == personas.leder


def test_the_retention_meeting_without_a_nearest_manager_is_422(caseworker, personas, make_case):
    case = make_case(manager=False)
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    response = book(caseworker, case, kind="retention_meeting")

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["participants"]
    assert not Meeting.objects.exists()


def test_named_participants_are_found_in_the_case(caseworker, active_case, personas):
    response = book(
        caseworker,
        active_case,
        kind="retention_meeting",
        participants=[
            {"party": "employee"},
            {"party": "union_representative", "name": "Bo Nielsen"},
            {"party": "caseworker", "name": "ignored for people with a login"},
        ],
    )

    assert response.status_code == 201
    participants = response.json()["participants"]
    # The nearest manager, a required party left out, is added from the case;
    # the required parties come first.
    assert [(p["party"], p["name"], p["role"]) for p in participants] == [
        ("employee", "Janni Mikkelsen", "employee"),
        ("nearest_manager", personas.leder.get_full_name(), "manager"),
        ("caseworker", "Sofie Bech", "caseworker"),
        ("union_representative", "Bo Nielsen", ""),
    ]
    stored = Meeting.objects.get(pk=response.json()["id"]).participants.order_by("pk")
    assert [p.user for p in stored] == [
        personas.janni,
        personas.leder,
        personas.sagsbehandler,
        None,
    ]


def test_a_companion_comes_to_the_first_conversation_only(caseworker, active_case):
    companion = {"party": "companion", "name": "Ida Mikkelsen"}

    conversation = book(caseworker, active_case, participants=[companion])
    meeting = book(caseworker, active_case, kind="retention_meeting", participants=[companion])

    assert conversation.status_code == 201
    assert ("companion", "Ida Mikkelsen") in [
        (p["party"], p["name"]) for p in conversation.json()["participants"]
    ]
    assert meeting.status_code == 422
    assert list(meeting.json()["errors"]) == ["participants.0.party"]


def test_the_doctor_takes_part_only_with_the_employees_consent(caseworker, active_case, personas):
    # The doctor sees the case, and so comes, only after a certificate request.
    actions.request_certificate(case=active_case, actor=personas.sagsbehandler)
    refused = book(
        caseworker, active_case, kind="retention_meeting", participants=[{"party": "doctor"}]
    )
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["participants.0.employee_consented"]

    accepted = book(
        caseworker,
        active_case,
        kind="retention_meeting",
        participants=[{"party": "doctor", "employee_consented": True}],
    )
    assert accepted.status_code == 201
    assert {"party": "doctor", "name": "Karen Lund", "role": "doctor"} in accepted.json()[
        "participants"
    ]
    meeting = Meeting.objects.get(pk=accepted.json()["id"])
    assert meeting.participants.get(party="doctor").user == personas.laege


def test_the_doctor_who_wrote_the_certificate_is_the_one_invited(
    caseworker, active_case, personas, django_user_model
):
    # Without a certificate the clinic's first doctor would be invited: laege.
    colleague = django_user_model.objects.create_user("kollega", first_name="Per")
    clinic = active_case.absence.person.clinic
    Membership.objects.create(user=colleague, role=Role.DOCTOR, clinic=clinic)
    actions.request_certificate(case=active_case, actor=personas.sagsbehandler)
    actions.record_certificate(case=active_case, actor=colleague, **CERTIFICATE)

    response = book(
        caseworker,
        active_case,
        kind="retention_meeting",
        participants=[{"party": "doctor", "employee_consented": True}],
    )

    assert response.status_code == 201
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.participants.get(party="doctor").user == colleague


def test_a_companion_needs_a_name_and_a_party_is_named_once(caseworker, active_case):
    response = book(
        caseworker,
        active_case,
        participants=[{"party": "companion"}, {"party": "employee"}, {"party": "employee"}],
    )

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"participants.0.name", "participants.2.party"}


def test_the_employer_side_does_not_see_a_doctor_among_the_participants(
    caseworker, active_case, personas, api_as
):
    actions.request_certificate(case=active_case, actor=personas.sagsbehandler)
    book(
        caseworker,
        active_case,
        kind="retention_meeting",
        participants=[{"party": "employee"}, {"party": "doctor", "employee_consented": True}],
    )

    everyone = ["employee", "nearest_manager", "caseworker", "doctor"]
    for user, parties in [
        (personas.hr, ["employee", "nearest_manager", "caseworker"]),
        (personas.leder, ["employee", "nearest_manager", "caseworker"]),
        (personas.janni, everyone),
        (personas.sagsbehandler, everyone),
    ]:
        case = api_as(user).get(f"/api/v1/cases/{active_case.pk}").json()
        assert [p["party"] for p in case["meetings"][0]["participants"]] == parties, user


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts_at": "2030-01-01T10:00:00"}, "starts_at"),  # no offset
        ({"location": "", "video_url": ""}, "location"),
        ({"location": "", "video_url": "not a link"}, "video_url"),
        ({"location": "", "video_url": "ftp://example.com/meet"}, "video_url"),
        ({"kind": "lunch"}, "kind"),
        ({"participants": [{"party": "neighbour"}]}, "participants.0.party"),
    ],
)
def test_bad_input_is_422_on_its_field(fields, field, caseworker, active_case):
    response = book(caseworker, active_case, **fields)

    assert response.status_code == 422, response.json()
    assert response.json()["type"] == "urn:fasttrack:problem:validation"
    assert field in response.json()["errors"]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "starts_at", ["2020-01-01T10:00:00+01:00", "now"], ids=["in-the-past", "this-minute"]
)
def test_a_time_not_to_come_is_422_on_starts_at_naming_the_allowed_range_r33(
    starts_at, caseworker, active_case
):
    when = timezone.localtime().isoformat() if starts_at == "now" else starts_at

    response = book(caseworker, active_case, starts_at=when)

    assert response.status_code == 422, response.json()
    problem = response.json()
    assert problem["type"] == "urn:fasttrack:problem:rule-violation"
    assert problem["rule_id"] == "R-33"
    assert list(problem["errors"]) == ["starts_at"]
    # The allowed range: any time after now, in Danish time.
    assert timezone.localtime().strftime("%H:%M") in problem["errors"]["starts_at"][0]
    assert not Meeting.objects.exists()


def test_a_second_booked_meeting_of_a_kind_is_409_naming_the_first_r35(caseworker, active_case):
    first = book(caseworker, active_case)
    assert first.status_code == 201

    second = book(caseworker, active_case)

    assert second.status_code == 409
    assert second.json()["rule_id"] == "R-35"
    assert Meeting.objects.count() == 1
    # A retention meeting beside it is another kind.
    assert book(caseworker, active_case, kind="retention_meeting").status_code == 201


def test_a_video_meeting_needs_no_place(caseworker, active_case):
    response = book(caseworker, active_case, location="", video_url="https://video.example/abc")

    assert response.status_code == 201
    assert response.json()["video_url"] == "https://video.example/abc"


def test_the_state_decides_409(caseworker, make_case, personas):
    awaiting = make_case()
    assert book(caseworker, awaiting).status_code == 409

    actions.decline(case=awaiting, actor=personas.janni)
    # On the normal track the first conversation remains, the retention meeting not.
    assert book(caseworker, awaiting, kind="retention_meeting").status_code == 409
    assert book(caseworker, awaiting).status_code == 201


def test_a_retry_with_the_same_key_books_once(caseworker, active_case):
    headers = {"Idempotency-Key": "book-1"}
    path = f"/api/v1/cases/{active_case.pk}/meetings"
    body = booking()

    first = caseworker.post(path, body, headers=headers)
    again = caseworker.post(path, body, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotency-Replayed"] == "true"
    assert Meeting.objects.count() == 1


# --- recording as held -------------------------------------------------------------------


@pytest.fixture
def booked(caseworker, active_case):
    return Meeting.objects.get(pk=book(caseworker, active_case).json()["id"])


@pytest.fixture
def held_day(booked, time_machine):
    """An hour after the booked meeting began: it can be recorded as held (R-33)."""
    time_machine.move_to(booked.starts_at + timedelta(hours=1), tick=False)
    return timezone.localdate()


def held_path(case, meeting):
    return f"/api/v1/cases/{case.pk}/meetings/{meeting.pk}/held"


def test_recording_it_held_meets_the_deadline(caseworker, active_case, booked, held_day):
    response = caseworker.post(held_path(active_case, booked), {"minutes": "We agreed on a plan."})

    assert response.status_code == 200
    case = response.json()
    deadline = next(d for d in case["deadlines"] if d["key"] == "first_followup_conversation")
    assert deadline["status"] == "met"
    assert deadline["met_on"] == timezone.localdate().isoformat()
    booked.refresh_from_db()
    assert booked.state == MeetingState.HELD
    assert booked.held_on == timezone.localdate()
    assert booked.minutes == "We agreed on a plan."
    assert case["meetings"][0]["held_on"] == timezone.localdate().isoformat()


def test_it_is_409_before_the_meetings_day_has_come_r33(caseworker, active_case, booked):
    response = caseworker.post(held_path(active_case, booked), {"minutes": "x"})

    assert response.status_code == 409
    assert response.json()["rule_id"] == "R-33"
    booked.refresh_from_db()
    assert booked.state == MeetingState.BOOKED


def test_it_takes_a_day_from_the_booked_day_to_today_only_r33(
    caseworker, active_case, booked, time_machine
):
    path = held_path(active_case, booked)
    booked_on = timezone.localdate(booked.starts_at)
    time_machine.move_to(booked.starts_at + timedelta(days=2), tick=False)

    for day in (booked_on - timedelta(days=1), timezone.localdate() + timedelta(days=1)):
        refused = caseworker.post(path, {"minutes": "x", "held_on": day.isoformat()})
        assert refused.status_code == 422
        assert refused.json()["rule_id"] == "R-33"
        assert list(refused.json()["errors"]) == ["held_on"]

    assert (
        caseworker.post(path, {"minutes": "x", "held_on": booked_on.isoformat()}).status_code == 200
    )
    booked.refresh_from_db()
    assert booked.held_on == booked_on


def test_it_needs_minutes(caseworker, active_case, booked, held_day):
    response = caseworker.post(held_path(active_case, booked), {"minutes": ""})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["minutes"]


def test_recording_it_twice_is_409(caseworker, active_case, booked, held_day):
    path = held_path(active_case, booked)
    assert caseworker.post(path, {"minutes": "x"}).status_code == 200

    again = caseworker.post(path, {"minutes": "x"})

    assert again.status_code == 409
    assert again.json()["rule_id"] == "R-19"


def test_a_meeting_of_another_case_is_404(caseworker, active_case, booked, make_case):
    other = make_case(cpr="0507762213")

    response = caseworker.post(held_path(other, booked), {"minutes": "x"})

    assert response.status_code == 404
    booked.refresh_from_db()
    assert booked.state == MeetingState.BOOKED


# --- the invitation --------------------------------------------------------------------


def ics_path(case, meeting):
    return f"/api/v1/cases/{case.pk}/meetings/{meeting.pk}/invite.ics"


def test_a_participant_gets_the_invitation_as_icalendar(personas, api_as, active_case, booked):
    response = api_as(personas.janni).get(ics_path(active_case, booked))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="fasttrack-meeting-{booked.pk}.ics"'
    )
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == f"meeting-{booked.pk}@fasttrack"
    assert event.decoded("DTSTART") == booked.starts_at
    assert str(event["LOCATION"]) == "Jobcenter København"
    attendees = {str(a).removeprefix("mailto:").lower() for a in event.get("ATTENDEE", [])}
    assert personas.janni.email.lower() in attendees


def test_the_read_of_the_invitation_is_logged(personas, api_as, active_case, booked):
    api_as(personas.janni).get(ics_path(active_case, booked))

    entry = AccessLogEntry.objects.filter(user=personas.janni, case=active_case).latest("at")
    assert entry.action == "read"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            MeetingKind.FIRST_CONVERSATION,
            {
                "janni": 200,
                "sagsbehandler": 200,
                "jobcenterchef": 200,
                "leder": 404,
                "hr": 404,
                "laege": 404,
                "anden-hr": 404,
                "anden-sagsbehandler": 404,
            },
        ),
        (MeetingKind.RETENTION_MEETING, {"leder": 200, "hr": 404, "laege": 404}),
    ],
)
def test_only_participants_and_the_jobcentre_get_it(
    kind, expected, personas, api_as, caseworker, active_case
):
    actions.request_certificate(case=active_case, actor=personas.sagsbehandler)
    meeting_id = book(caseworker, active_case, kind=kind.value).json()["id"]
    meeting = Meeting.objects.get(pk=meeting_id)

    answers = {
        username: api_as(personas.all()[username]).get(ics_path(active_case, meeting)).status_code
        for username in expected
    }

    assert answers == expected


def test_the_doctor_gets_it_when_taking_part(personas, api_as, caseworker, active_case):
    # The doctor sees the case, and so comes, only after a certificate request.
    actions.request_certificate(case=active_case, actor=personas.sagsbehandler)
    meeting_id = book(
        caseworker,
        active_case,
        kind="retention_meeting",
        participants=[{"party": "doctor", "employee_consented": True}],
    ).json()["id"]

    response = api_as(personas.laege).get(
        f"/api/v1/cases/{active_case.pk}/meetings/{meeting_id}/invite.ics"
    )

    assert response.status_code == 200


def test_the_invitation_under_another_case_is_404(personas, api_as, active_case, booked, make_case):
    other = make_case(cpr="0507762213")

    assert api_as(personas.janni).get(ics_path(other, booked)).status_code == 404


def test_a_case_lists_the_meetings_the_user_may_see(caseworker, active_case, personas, api_as):
    # The first conversation is the employee's own talk with the jobcentre; HR
    # sees retention meetings, the nearest manager those they take part in.
    book(caseworker, active_case)

    for user, count in [
        (personas.hr, 0),
        (personas.leder, 0),
        (personas.janni, 1),
        (personas.sagsbehandler, 1),
        (personas.jobcenterchef, 1),
    ]:
        case = api_as(user).get(f"/api/v1/cases/{active_case.pk}").json()
        assert len(case["meetings"]) == count, user
