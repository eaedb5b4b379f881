"""A meeting as a calendar entry: one place builds the ICS for letters and the API."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from fasttrack.lib.ics import Method, meeting_invitation
from fasttrack.meetings.access import participants_visible_to
from fasttrack.meetings.models import MeetingState

if TYPE_CHECKING:
    from fasttrack.meetings.models import Meeting
    from fasttrack.people.models import Role

MEETING_LENGTH = timedelta(hours=1)
# The calendar entry's title, in Danish: every participant's calendar shows it.
SUMMARY = {
    "first_conversation": "Opfølgningssamtale i Fast track",
    "retention_meeting": "Fastholdelsesmøde i Fast track",
}
NO_REPLY = "noreply@fasttrack.invalid"


def uid(meeting: Meeting) -> str:
    """The same for every version of one meeting, so calendars replace their entry."""
    return f"meeting-{meeting.pk}@fasttrack"


def organizer_email(meeting: Meeting) -> str:
    return meeting.case.municipality.jobcentre_email or NO_REPLY


def method(meeting: Meeting) -> Method:
    """A cancelled meeting is a CANCEL, which calendars apply by removing the entry."""
    return "CANCEL" if meeting.state == MeetingState.CANCELLED else "REQUEST"


def invitation_ics(
    meeting: Meeting, *, audience: Role | str | None, sequence: int | None = None
) -> bytes:
    """The meeting as it now stands, for a reader in the role ``audience``.

    The attendees are the participants with an e-mail address whom that role
    may know of (``meetings.access``: the employer side never sees the doctor);
    ``None`` is the jobcentre's own full view. The meeting's own ``sequence``
    is used unless one is given, so an update or a cancellation replaces the
    entry a calendar already has (same UID).
    """
    municipality = meeting.case.municipality
    participants = participants_visible_to(
        audience, meeting.participants.select_related("user").order_by("pk")
    )
    return meeting_invitation(
        uid=uid(meeting),
        sequence=meeting.sequence if sequence is None else sequence,
        method=method(meeting),
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + MEETING_LENGTH,
        summary=SUMMARY.get(meeting.kind, "Fast track"),
        location=meeting.location,
        url=meeting.video_url,
        organizer=(municipality.jobcentre_name, organizer_email(meeting)),
        attendees=[
            (p.name, p.user.email, "REQ-PARTICIPANT")
            for p in participants
            if p.user is not None and "@" in p.user.email
        ],
    )
