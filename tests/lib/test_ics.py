"""Calendar invitations: parseable, right local times, updates and cancellations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from fasttrack.lib.ics import Attendee, meeting_invitation

CPH = ZoneInfo("Europe/Copenhagen")


def invitation(**overrides: Any) -> bytes:
    values: dict[str, Any] = {
        "uid": "meeting-7@fasttrack.example",
        "sequence": 0,
        "method": "REQUEST",
        "starts_at": datetime(2026, 10, 26, 10, 0, tzinfo=CPH),
        "ends_at": datetime(2026, 10, 26, 11, 0, tzinfo=CPH),
        "summary": "Første opfølgningssamtale",
        "description": "Samtale om din tilbagevenden; husk din plan, tak.",
        "location": "Jobcenter København, Gyldenløvesgade 11",
        "url": "https://fasttrack.example/cases/7/meetings/3",
        "organizer": ("Jobcenter København", "jobcenter@kk.example"),
        "attendees": [
            ("Janni Jensen", "janni@example.com", "REQ-PARTICIPANT"),
            Attendee("Lars Leder", "leder@nordisk.example", "OPT-PARTICIPANT"),
        ],
        "stamp": datetime(2026, 10, 1, 12, 0, tzinfo=UTC),
    }
    values.update(overrides)
    return meeting_invitation(**values)


def utc(value: object) -> datetime:
    assert isinstance(value, datetime)
    return value.astimezone(UTC)


def only_event(data: bytes) -> icalendar.Event:
    events = icalendar.Calendar.from_ical(data).events
    assert len(events) == 1
    return events[0]


def test_it_parses_with_icalendar_and_carries_the_meeting() -> None:
    data = invitation()
    calendar = icalendar.Calendar.from_ical(data)
    event = only_event(data)

    assert calendar.method == "REQUEST"
    assert str(calendar.get("VERSION")) == "2.0"
    assert event.uid == "meeting-7@fasttrack.example"
    assert event.summary == "Første opfølgningssamtale"
    assert event.description == "Samtale om din tilbagevenden; husk din plan, tak."
    assert str(event.location).startswith("Jobcenter København")
    assert event.url == "https://fasttrack.example/cases/7/meetings/3"
    assert event.status == "CONFIRMED"
    assert event.sequence == 0
    organizer = event.organizer
    assert organizer is not None
    assert str(organizer) == "mailto:jobcenter@kk.example"
    assert organizer.params["CN"] == "Jobcenter København"
    attendees = event.attendees
    assert [str(a) for a in attendees] == [
        "mailto:janni@example.com",
        "mailto:leder@nordisk.example",
    ]
    assert [a.params["ROLE"] for a in attendees] == ["REQ-PARTICIPANT", "OPT-PARTICIPANT"]
    assert all(a.params["RSVP"] == "TRUE" for a in attendees)


def test_it_writes_copenhagen_times_with_a_vtimezone() -> None:
    data = invitation()
    text = data.decode()
    assert "BEGIN:VTIMEZONE" in text
    assert "TZID:Europe/Copenhagen" in text
    assert "DTSTART;TZID=Europe/Copenhagen:20261026T100000" in text
    assert "DTEND;TZID=Europe/Copenhagen:20261026T110000" in text


def test_it_gives_the_right_utc_time_just_after_summer_time_ends() -> None:
    # Summer time ends on 25 October 2026: 26 October 10:00 is CET, UTC+1.
    event = only_event(invitation())
    assert utc(event.start) == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


def test_it_gives_the_right_utc_time_in_summer() -> None:
    event = only_event(
        invitation(
            starts_at=datetime(2026, 6, 15, 10, 0, tzinfo=CPH),
            ends_at=datetime(2026, 6, 15, 11, 0, tzinfo=CPH),
        )
    )
    assert utc(event.start) == datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
    assert utc(event.end) == datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


def test_it_resolves_the_zone_from_the_embedded_vtimezone_alone() -> None:
    # A client without a zone database relies on the VTIMEZONE's rules.
    calendar = icalendar.Calendar.from_ical(invitation())
    (timezone,) = calendar.timezones
    assert timezone.tz_name == "Europe/Copenhagen"
    tzinfo = timezone.to_tz()
    local = datetime(2026, 10, 26, 10, 0, tzinfo=tzinfo)
    assert local.utcoffset() == timedelta(hours=1)
    summer = datetime(2026, 6, 15, 10, 0, tzinfo=tzinfo)
    assert summer.utcoffset() == timedelta(hours=2)


def test_it_writes_utc_input_in_local_time() -> None:
    event = only_event(
        invitation(
            starts_at=datetime(2026, 6, 15, 8, 0, tzinfo=UTC),
            ends_at=datetime(2026, 6, 15, 9, 0, tzinfo=UTC),
        )
    )
    start = event.start
    assert isinstance(start, datetime)
    assert str(start.tzinfo) == "Europe/Copenhagen"
    assert start.replace(tzinfo=None) == datetime(2026, 6, 15, 10, 0)


def test_it_raises_the_sequence_on_an_update_and_keeps_the_uid() -> None:
    first = only_event(invitation())
    moved = only_event(
        invitation(
            sequence=1,
            starts_at=datetime(2026, 10, 27, 13, 0, tzinfo=CPH),
            ends_at=datetime(2026, 10, 27, 14, 0, tzinfo=CPH),
        )
    )
    assert moved.uid == first.uid
    assert moved.sequence > first.sequence
    assert moved.status == "CONFIRMED"


def test_it_cancels_with_method_cancel_and_status_cancelled() -> None:
    data = invitation(method="CANCEL", sequence=2)
    calendar = icalendar.Calendar.from_ical(data)
    event = only_event(data)
    assert calendar.method == "CANCEL"
    assert event.status == "CANCELLED"
    assert event.sequence == 2
    assert all(a.params["RSVP"] == "FALSE" for a in event.attendees)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"method": "PUBLISH"}, "method"),
        ({"starts_at": datetime(2026, 10, 26, 10, 0)}, "timezone-aware"),
        ({"ends_at": datetime(2026, 10, 26, 9, 0, tzinfo=CPH)}, "end after"),
        ({"sequence": -1}, "SEQUENCE"),
    ],
)
def test_it_refuses_invalid_invitations(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        invitation(**overrides)
