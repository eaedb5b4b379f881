"""Calendar invitations (iCalendar, RFC 5545 and iTIP, RFC 5546).

Django-free: the meeting code renders an invitation with plain values and the
outbox attaches the bytes to its letters. Meetings happen in Denmark, so times
are written in Europe/Copenhagen with the VTIMEZONE included: a client that
does not know the zone still shows the right wall-clock time, also across the
change to and from summer time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import icalendar

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
PRODUCT_ID = "-//Fasttrack//Fast track meetings//EN"

Method = Literal["REQUEST", "CANCEL"]
AttendeeRole = Literal["REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT", "CHAIR"]


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    role: AttendeeRole = "REQ-PARTICIPANT"


def meeting_invitation(
    *,
    uid: str,
    sequence: int,
    method: Method,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    description: str = "",
    location: str = "",
    url: str = "",
    organizer: tuple[str, str],
    attendees: Sequence[tuple[str, str, str] | Attendee] = (),
    stamp: datetime | None = None,
) -> bytes:
    """One VEVENT as an invitation (``REQUEST``) or a cancellation (``CANCEL``).

    ``uid`` must stay the same for every version of one meeting and
    ``sequence`` must grow with each change: that is how calendar clients
    replace the event they already have instead of adding a second one.
    ``organizer`` is ``(name, email)``; ``attendees`` are ``(name, email,
    role)`` with an iCalendar role such as ``REQ-PARTICIPANT``.
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"Unknown iTIP method {method!r}.")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("Meeting times must be timezone-aware.")
    if ends_at <= starts_at:
        raise ValueError("A meeting must end after it starts.")
    if sequence < 0:
        raise ValueError("SEQUENCE cannot be negative.")

    local_start = starts_at.astimezone(COPENHAGEN)
    local_end = ends_at.astimezone(COPENHAGEN)

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", local_start)
    event.add("dtend", local_end)
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")

    organizer_name, organizer_email = organizer
    event.add("organizer", _cal_address(organizer_name, organizer_email))
    for attendee in attendees:
        name, email, role = (
            (attendee.name, attendee.email, attendee.role)
            if isinstance(attendee, Attendee)
            else attendee
        )
        address = _cal_address(name, email)
        address.params["ROLE"] = role
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "TRUE" if method == "REQUEST" else "FALSE"
        event.add("attendee", address)

    calendar.add_component(event)
    # Only the transitions around the meeting: a VTIMEZONE covering 1970-2038
    # would make every invitation several kilobytes longer for nothing.
    calendar.add_missing_timezones(
        first_date=date(local_start.year - 1, 1, 1),
        last_date=date(local_end.year + 2, 1, 1),
    )
    return calendar.to_ical()


def _cal_address(name: str, email: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    return address
