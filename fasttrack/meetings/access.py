"""Who sees which meeting (R-28), with the case's own rules as the floor.

The jobcentre and the employee see every meeting of the case; HR the
retention meetings (the first conversation is the employee's own talk); the
nearest manager and the doctor only the meetings they take part in. The
doctor may be invited without a certificate request to their clinic, so for
them taking part is what lets them see the meeting. Anything else is 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from fasttrack.audit.access import AccessAction, log_access
from fasttrack.cases.access import cases_for
from fasttrack.meetings.models import Meeting, MeetingKind, MeetingParticipant
from fasttrack.people.models import Role, membership_of


def _takes_part(user: Any) -> Exists:
    return Exists(MeetingParticipant.objects.filter(meeting=OuterRef("pk"), user=user))


def _visible(user: Any, role: Role) -> Q:
    if role == Role.DOCTOR:
        return Q(_takes_part(user))
    on_own_case = Q(case__in=cases_for(user))
    if role == Role.MANAGER:
        return on_own_case & Q(_takes_part(user))
    if role == Role.EMPLOYER:
        return on_own_case & Q(kind=MeetingKind.RETENTION_MEETING)
    return on_own_case


def meetings_for_user(user: Any) -> QuerySet[Meeting]:
    """Every meeting ``user`` may see."""
    membership = membership_of(user)
    if membership is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(_visible(user, Role(membership.role)))


def get_meeting_for(
    user: Any, case_id: int, meeting_id: int, *, purpose: str, request: HttpRequest | None = None
) -> tuple[Meeting, Role, MeetingParticipant | None]:
    """The meeting, the user's role and their own participation, or ``Http404``.

    The read is logged against the employee (R-25).
    """
    membership = membership_of(user)
    if membership is None:
        raise Http404
    meeting = (
        meetings_for_user(user)
        .select_related("case__absence__person", "case__absence__employer", "case__municipality")
        .filter(pk=meeting_id, case_id=case_id)
        .first()
    )
    if meeting is None:
        raise Http404
    log_access(
        user=user,
        action=AccessAction.READ,
        purpose=purpose,
        person=meeting.case.absence.person,
        case=meeting.case,
        request=request,
    )
    own = meeting.participants.filter(user=user).first()
    return meeting, Role(membership.role), own
