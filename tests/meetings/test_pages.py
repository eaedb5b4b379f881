"""The meeting page per role, the answer form, and the caseworker's meeting forms."""

from __future__ import annotations

from datetime import date
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from fasttrack.cases import actions
from fasttrack.cases.errors import CancelReasonRequired, ResponseReasonRequired, localized_message
from fasttrack.meetings.models import Meeting, MeetingParticipant, MeetingState
from tests.meetings.conftest import SUMMER, WINTER, at

MINUTES = "Vi aftalte lettere opgaver ved pakkelinjen."


def _url(meeting: Meeting, name: str = "meeting_detail") -> str:
    return reverse(f"web:{name}", args=[meeting.case_id, meeting.pk])


def _danish(error: Any) -> str:
    with translation.override("da"):
        return escape(localized_message(error))


@pytest.fixture
def retention(with_doctor) -> Meeting:
    return with_doctor


# --- who sees which meeting (R-28) ----------------------------------------------------


@pytest.mark.parametrize(
    ("username", "kind", "status"),
    [
        ("sagsbehandler", "retention_meeting", 200),
        ("jobcenterchef", "retention_meeting", 200),
        ("janni", "retention_meeting", 200),
        ("janni", "first_conversation", 200),
        ("leder", "retention_meeting", 200),  # takes part
        ("leder", "first_conversation", 404),  # does not
        ("hr", "retention_meeting", 200),
        ("hr", "first_conversation", 404),
        ("laege", "first_conversation", 404),
        ("anden-hr", "retention_meeting", 404),
        ("anden-sagsbehandler", "retention_meeting", 404),
    ],
)
def test_it_shows_each_meeting_only_to_those_who_may_see_it(
    book, on_day, login, personas, username, kind, status
):
    meeting = book(kind)

    response = login(personas.all()[username]).get(_url(meeting))

    assert response.status_code == status


def test_it_shows_the_doctor_only_the_meeting_they_take_part_in(retention, book, login, personas):
    other = book("first_conversation", day=SUMMER)
    client = login(personas.laege)

    assert client.get(_url(retention)).status_code == 200
    assert client.get(_url(other)).status_code == 404


def test_it_answers_404_for_a_meeting_under_another_case(retention, login, personas):
    url = reverse("web:meeting_detail", args=[retention.case_id + 1000, retention.pk])

    assert login(personas.sagsbehandler).get(url).status_code == 404


def test_it_shows_the_time_in_danish_time_and_the_place(retention, login, personas):
    page = login(personas.janni).get(_url(retention)).content.decode()

    assert 'datetime="2026-03-20T13:00:00+01:00"' in page
    assert "Nordisk Fabrik A/S, Industrivej 12" in page
    assert _url(retention, "meeting_ics") in page


# --- the answer ------------------------------------------------------------------------


def test_it_saves_the_participants_answer_and_shows_it(retention, login, personas):
    client = login(personas.janni)

    response = client.post(
        _url(retention),
        {"response": "new_time_requested", "reason": "Scanning", "suggested_times": "Mandag"},
    )

    assert response.status_code == 302
    janni = retention.participants.get(party="employee")
    assert (janni.response, janni.response_reason) == ("new_time_requested", "Scanning")
    page = client.get(_url(retention)).content.decode()
    assert 'value="new_time_requested" checked' in page
    assert "Scanning" in page


def test_it_shows_a_missing_reason_at_the_field_and_keeps_the_input(retention, login, personas):
    response = login(personas.janni).post(
        _url(retention), {"response": "declined", "reason": "", "suggested_times": "Fredag"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_reason-error"' in page
    assert _danish(ResponseReasonRequired()) in page
    assert 'value="declined" checked' in page
    assert "Fredag" in page
    assert retention.participants.get(party="employee").response == "pending"


def test_it_offers_no_answer_form_to_those_not_invited(retention, login, personas):
    client = login(personas.hr)

    assert 'id="answer-form"' not in client.get(_url(retention)).content.decode()
    response = client.post(_url(retention), {"response": "accepted"})
    assert response.status_code == 302
    assert not MeetingParticipant.objects.filter(response="accepted").exists()


def test_it_shows_reasons_to_the_jobcentre_but_not_to_the_employer_side(
    retention, case, login, personas
):
    actions.answer_invitation(
        case=case,
        actor=personas.janni,
        meeting=retention,
        response="declined",
        reason="Jeg er indlagt.",
    )

    assert "Jeg er indlagt." in login(personas.sagsbehandler).get(_url(retention)).content.decode()
    for user in (personas.leder, personas.hr, personas.laege):
        page = login(user).get(_url(retention)).content.decode()
        assert "Jeg er indlagt." not in page, user.username
        assert 'data-response="declined"' in page


# --- first opened ----------------------------------------------------------------------


def test_it_records_the_first_visit_of_each_participant_for_the_caseworker(
    retention, case, login, personas, travel
):
    login(personas.leder).get(_url(retention))
    travel(date(2026, 3, 11))
    login(personas.leder).get(_url(retention))
    # Not a participant: nothing to record.
    login(personas.hr).get(_url(retention))

    leder = retention.participants.get(party="nearest_manager")
    assert leder.invitation_opened_at == at(date(2026, 3, 10))
    assert leder.minutes_opened_at is None
    page = login(personas.sagsbehandler).get(_url(retention)).content.decode()
    assert "10. marts 2026" in page or "10.03.2026" in page

    travel(WINTER)
    actions.record_meeting_held(
        case=case, actor=personas.sagsbehandler, meeting=retention, held_on=WINTER, minutes=MINUTES
    )
    travel(date(2026, 3, 23))
    page = login(personas.leder).get(_url(retention)).content.decode()
    assert MINUTES in page
    leder.refresh_from_db()
    assert leder.minutes_opened_at == at(date(2026, 3, 23))
    assert leder.invitation_opened_at == at(date(2026, 3, 10))


def test_it_keeps_the_minutes_of_the_first_conversation_from_the_employer_side(
    book, case, on_day, login, personas, travel
):
    meeting = book("first_conversation")
    travel(WINTER)
    actions.record_meeting_held(
        case=case, actor=personas.sagsbehandler, meeting=meeting, held_on=WINTER, minutes=MINUTES
    )

    assert MINUTES in login(personas.janni).get(_url(meeting)).content.decode()
    for user in (personas.leder, personas.hr):
        assert login(user).get(_url(meeting)).status_code == 404
        case_page = login(user).get(reverse("web:case_detail", args=[case.pk]))
        assert MINUTES not in case_page.content.decode()


# --- the calendar file -----------------------------------------------------------------


def test_it_serves_the_calendar_file_to_participants_only(retention, login, personas):
    response = login(personas.janni).get(_url(retention, "meeting_ics"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    event = next(iter(icalendar.Calendar.from_ical(response.content).walk("VEVENT")))
    assert event.decoded("DTSTART") == at(WINTER, 13)
    assert login(personas.hr).get(_url(retention, "meeting_ics")).status_code == 404


# --- the caseworker's forms ------------------------------------------------------------


def test_it_rebooks_through_the_form(retention, login, personas):
    client: Client = login(personas.sagsbehandler)
    assert client.get(_url(retention, "meeting_rebook")).status_code == 200

    response = client.post(
        _url(retention, "meeting_rebook"),
        {
            "date": "2026-03-31",
            "time": "09:00",
            "location": retention.location,
            "video_url": "",
            "reason": "Lederen er på kursus.",
        },
    )

    assert response.status_code == 302
    retention.refresh_from_db()
    assert (retention.starts_at, retention.sequence) == (at(SUMMER, 9), 1)


def test_it_keeps_the_cancel_form_input_when_the_reason_is_missing(retention, login, personas):
    response = login(personas.sagsbehandler).post(_url(retention, "meeting_cancel"), {"reason": ""})

    assert response.status_code == 400
    assert _danish(CancelReasonRequired()) in response.content.decode()
    retention.refresh_from_db()
    assert retention.state == MeetingState.BOOKED


def test_it_cancels_through_the_form_and_offers_no_more_changes(retention, login, personas):
    client = login(personas.sagsbehandler)
    client.post(_url(retention, "meeting_cancel"), {"reason": "Janni er raskmeldt."})

    retention.refresh_from_db()
    assert retention.state == MeetingState.CANCELLED
    page = client.get(_url(retention)).content.decode()
    assert _url(retention, "meeting_rebook") not in page
    assert _url(retention, "meeting_cancel") not in page


def test_it_keeps_the_meeting_forms_from_everyone_but_the_caseworker(retention, login, personas):
    for user in (personas.janni, personas.leder, personas.anden_sagsbehandler):
        client = login(user)
        for name in ("meeting_rebook", "meeting_cancel", "case_record_meeting_held"):
            assert client.get(_url(retention, name)).status_code == 404, (user, name)


def test_it_warns_that_retention_minutes_reach_the_employer(retention, login, personas, travel):
    travel(WINTER)  # the meeting's day has come
    page = login(personas.sagsbehandler).get(_url(retention, "case_record_meeting_held"))

    with translation.override("da"):
        warning = translation.gettext(
            "The minutes and the tasks are shared with the employer at a retention meeting: "
            "write no health data in them."
        )
    assert escape(warning) in page.content.decode()


def test_it_links_every_meeting_from_the_case_page(retention, login, personas):
    page = login(personas.sagsbehandler).get(reverse("web:case_detail", args=[retention.case_id]))

    assert _url(retention) in page.content.decode()


def _booking(personas: Any, **extra: str) -> dict[str, Any]:
    return {
        "kind": "retention_meeting",
        "date": "2026-03-20",
        "time": "13:00",
        "location": "Nordisk Fabrik",
        "participants": ["employee", "manager", "caseworker"],
        "union_representative_name": "Tom Tillid",
        "doctor": str(personas.laege.pk),
        **extra,
    }


def test_it_refuses_the_doctor_without_consent_at_the_checkbox_keeping_the_input(
    case, on_day, login, personas
):
    url = reverse("web:case_book_meeting", args=[case.pk])

    response = login(personas.sagsbehandler).post(url, _booking(personas))

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_doctor_consented-error"' in page
    assert 'value="Tom Tillid"' in page
    assert f'value="{personas.laege.pk}" selected' in page
    assert not Meeting.objects.exists()


def test_it_books_the_doctor_and_the_union_representative_with_consent(
    case, on_day, doctor_asked, login, personas
):
    url = reverse("web:case_book_meeting", args=[case.pk])

    response = login(personas.sagsbehandler).post(url, _booking(personas, doctor_consented="on"))

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert sorted(meeting.participants.values_list("party", "name")) == [
        ("caseworker", "Sofie Bech"),
        ("doctor", "Karen Lund"),
        ("employee", "Janni Mikkelsen"),
        ("nearest_manager", "Lars Eriksen"),
        ("union_representative", "Tom Tillid"),
    ]


def test_it_lets_the_caseworker_record_the_answer_of_a_guest_without_a_login(
    book, on_day, login, personas
):
    meeting = book(participants=[{"name": "Tom Tillid", "party": "union_representative"}])
    guest = meeting.participants.get(party="union_representative")
    janni = meeting.participants.get(party="employee")
    client = login(personas.sagsbehandler)
    url = reverse("web:meeting_answer_on_behalf", args=[meeting.case_id, meeting.pk, guest.pk])
    assert url in client.get(_url(meeting)).content.decode()

    response = client.post(url, {"response": "declined", "reason": "Kursus"})

    assert response.status_code == 302
    guest.refresh_from_db()
    assert (guest.response, guest.response_reason) == ("declined", "Kursus")
    # Someone with a login answers for themself.
    own_url = reverse("web:meeting_answer_on_behalf", args=[meeting.case_id, meeting.pk, janni.pk])
    assert client.get(own_url).status_code == 404
    assert login(personas.janni).get(url).status_code == 404


def test_it_lists_on_the_case_page_only_the_meetings_each_role_may_open(
    book, on_day, login, personas
):
    conversation = book("first_conversation")
    retention = book("retention_meeting", day=SUMMER)
    case_url = reverse("web:case_detail", args=[retention.case_id])

    for user, expected in [
        (personas.janni, {conversation, retention}),
        (personas.leder, {retention}),
        (personas.hr, {retention}),
    ]:
        page = login(user).get(case_url).content.decode()
        shown = {m for m in (conversation, retention) if _url(m) in page}
        assert shown == expected, user.username
