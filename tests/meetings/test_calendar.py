"""The ICS each participant receives: it parses, keeps Danish time and its UID,
and every update raises SEQUENCE so calendars apply it (RFC 5546)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import icalendar

from fasttrack.cases import actions
from fasttrack.meetings.calendar import invitation_ics
from fasttrack.meetings.models import Meeting
from fasttrack.notifications.models import Message
from tests.meetings.conftest import SUMMER, WINTER, at


def _event(ics: bytes | str) -> tuple[icalendar.Calendar, Any]:
    calendar = icalendar.Calendar.from_ical(ics)
    return calendar, next(iter(calendar.walk("VEVENT")))


def _emailed(meeting: Meeting, kind: str) -> list[Message]:
    return list(
        Message.objects.filter(case_id=meeting.case_id, kind=kind, channel="email").order_by("pk")
    )


def test_it_emails_each_participant_with_an_address_their_own_invitation(book, personas):
    meeting = book()

    emails = _emailed(meeting, "meeting_invitation")
    with_address = [p.user for p in meeting.participants.all() if p.user and "@" in p.user.email]
    assert len(with_address) >= 2
    assert {m.recipient_user_id for m in emails} == {u.pk for u in with_address}
    for message in emails:
        calendar, event = _event(message.attachments[0]["content"])
        assert str(calendar["METHOD"]) == "REQUEST"
        assert event.decoded("DTSTART") == at(WINTER, 13)
        assert str(event.decoded("DTSTART").tzinfo) == "Europe/Copenhagen"
        assert event["SEQUENCE"] == 0


def test_it_keeps_copenhagen_time_across_the_change_to_summer_time(book, case, personas, rebook):
    meeting = book(day=WINTER, hour=13)
    _, before = _event(invitation_ics(meeting, audience=None))

    rebook(
        meeting,
        starts_at=at(SUMMER, 13),
        reason="Flyttet",
    )
    meeting.refresh_from_db()
    _, after = _event(invitation_ics(meeting, audience=None))

    # 13:00 on the wall clock both times: UTC+1 before 29 March, UTC+2 after.
    assert before.decoded("DTSTART").utcoffset() == timedelta(hours=1)
    assert after.decoded("DTSTART").utcoffset() == timedelta(hours=2)
    assert after.decoded("DTSTART").hour == before.decoded("DTSTART").hour == 13
    assert after.decoded("DTEND") - after.decoded("DTSTART") == timedelta(hours=1)


def test_it_sends_the_update_with_the_same_uid_and_a_higher_sequence(book, case, personas, rebook):
    meeting = book()
    _, first = _event(_emailed(meeting, "meeting_invitation")[0].attachments[0]["content"])

    rebook(
        meeting,
        starts_at=at(SUMMER, 9),
        reason="Flyttet",
    )
    rebook(meeting, location="Jobcenter København", reason="Nyt sted")

    updates = _emailed(meeting, "meeting_rebooked")
    sequences = set()
    for message in updates:
        calendar, event = _event(message.attachments[0]["content"])
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == str(first["UID"])
        assert message.attachments[0]["mime_type"] == "text/calendar; method=REQUEST"
        sequences.add(event["SEQUENCE"])
    assert sequences == {1, 2}
    _, latest = _event(invitation_ics(Meeting.objects.get(pk=meeting.pk), audience=None))
    assert (latest["SEQUENCE"], str(latest["LOCATION"])) == (2, "Jobcenter København")
    assert latest.decoded("DTSTART") == at(SUMMER, 9)


def test_it_sends_a_cancellation_that_removes_the_same_entry(book, case, personas):
    meeting = book()
    uid = str(_event(invitation_ics(meeting, audience=None))[1]["UID"])

    actions.cancel_meeting(case=case, actor=personas.sagsbehandler, meeting=meeting, reason="x")

    cancellations = _emailed(meeting, "meeting_cancelled")
    assert cancellations
    for message in cancellations:
        calendar, event = _event(message.attachments[0]["content"])
        assert str(calendar["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == uid
        assert event["SEQUENCE"] == 1
        assert message.attachments[0]["mime_type"] == "text/calendar; method=CANCEL"


def test_it_builds_the_ics_from_the_meeting_alone_with_its_current_sequence(book, case, personas):
    meeting = book()
    meeting.sequence = 4
    assert _event(invitation_ics(meeting, audience=None))[1]["SEQUENCE"] == 4
    # An explicit sequence still wins, for callers that pass one.
    assert _event(invitation_ics(meeting, audience=None, sequence=7))[1]["SEQUENCE"] == 7
