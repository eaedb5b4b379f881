"""When each participant first opened the invitation and the minutes.

The first time is kept, never a later one. A conditional UPDATE (``... WHERE
opened_at IS NULL``) makes that hold when two tabs or two processes open the
page at the same moment: the database lets exactly one of them write.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from fasttrack.meetings.models import MeetingParticipant

_FIELDS = frozenset({"invitation_opened_at", "minutes_opened_at"})


def _mark_first(participant_id: int, field: str, at: datetime | None) -> bool:
    if field not in _FIELDS:
        raise ValueError(f"Not a first-opened field: {field}")
    updated = MeetingParticipant.objects.filter(pk=participant_id, **{f"{field}__isnull": True})
    return updated.update(**{field: at or timezone.now()}) == 1


def mark_invitation_opened(participant_id: int, *, at: datetime | None = None) -> bool:
    """Record the first opening of the invitation; True when this call was the first."""
    return _mark_first(participant_id, "invitation_opened_at", at)


def mark_minutes_opened(participant_id: int, *, at: datetime | None = None) -> bool:
    """Record the first opening of the minutes; True when this call was the first."""
    return _mark_first(participant_id, "minutes_opened_at", at)
