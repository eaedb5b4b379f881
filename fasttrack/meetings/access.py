"""What each party sees of a meeting (R-18, R-28): the one rule every face calls.

Which meetings: the jobcentre and the employee see every meeting of the case;
HR the retention meetings (the first conversation is the employee's own talk);
the nearest manager and the doctor only the meetings they take part in, and
the doctor only on a case their clinic was asked for a certificate on (the
doctor sees a case only after a certificate request). Anything else is 404.

What of a meeting: the employer side never learns that a doctor is involved
(that alone is health data), so the doctor is left out of every list of
participants and every calendar file the employer side gets; it reads the
minutes of the retention meeting only, the first conversation being the
employee's own talk. The case page, the meeting page, the API's meeting JSON,
both calendar files and the e-mailed invitations all ask these functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from fasttrack.audit.access import AccessAction, log_access
from fasttrack.cases.access import cases_for, role_in_case
from fasttrack.cases.models import FastTrackCase
from fasttrack.medical.models import CertificateRequest
from fasttrack.meetings.models import (
    Meeting,
    MeetingKind,
    MeetingParticipant,
    MeetingTask,
    Party,
)
from fasttrack.people.models import EMPLOYER_ROLES, JOBCENTRE_ROLES, Role, membership_of

# The first conversation may hold what the employee told about their health,
# so the employer side reads minutes of the retention meeting only.
_EMPLOYER_SEES_MINUTES_OF = frozenset({MeetingKind.RETENTION_MEETING})
# Whom the employer side never sees at a meeting.
_HIDDEN_FROM_EMPLOYER_SIDE = frozenset({Party.DOCTOR})


def _takes_part(user: Any) -> Exists:
    return Exists(MeetingParticipant.objects.filter(meeting=OuterRef("pk"), user=user))


def sees_every_meeting_of_its_cases(role: Role | str) -> bool:
    """Whether ``role`` sees all the meetings of a case it may see (``_visible``)."""
    return Role(role) not in (Role.MANAGER, Role.DOCTOR, Role.EMPLOYER)


def _visible(user: Any, role: Role) -> Q:
    on_own_case = Q(case__in=cases_for(user))
    if sees_every_meeting_of_its_cases(role):
        return on_own_case
    if role in (Role.MANAGER, Role.DOCTOR):
        return on_own_case & Q(_takes_part(user))
    assert role == Role.EMPLOYER
    return on_own_case & Q(kind=MeetingKind.RETENTION_MEETING)


def meetings_for_user(user: Any) -> QuerySet[Meeting]:
    """Every meeting ``user`` may see."""
    membership = membership_of(user)
    if membership is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(_visible(user, Role(membership.role)))


def may_see_meeting(user: Any, meeting: Meeting) -> bool:
    """Whether ``user`` may see ``meeting``: letters about it go to no one else."""
    return meetings_for_user(user).filter(pk=meeting.pk).exists()


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
        .filter(pk=meeting_id)
        .first()
    )
    # Compared here, not in the query: a foreign key lookup does not guard
    # against a case id beyond the database's integer range.
    if meeting is None or meeting.case_id != case_id:
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


def participants_visible_to(
    role: Role | str | None, participants: Iterable[MeetingParticipant]
) -> list[MeetingParticipant]:
    """The participants ``role`` may know of, in the given order: the employer side
    never learns that a doctor is involved (R-18). ``None`` is the jobcentre's
    own view (the organiser), which sees everyone."""
    return [p for p in participants if _party_visible_to(role, p.party)]


def tasks_visible_to(role: Role | str, tasks: Iterable[MeetingTask]) -> list[MeetingTask]:
    """The tasks agreed at the meeting that ``role`` may read: not the doctor's for
    the employer side (R-18)."""
    return [task for task in tasks if _party_visible_to(role, task.party)]


def _party_visible_to(role: Role | str | None, party: str) -> bool:
    if role is not None and Role(role) in EMPLOYER_ROLES:
        return party not in _HIDDEN_FROM_EMPLOYER_SIDE
    return True


def minutes_visible_to(role: Role | str, meeting: Meeting) -> bool:
    """Whether ``role`` reads the meeting's minutes and tasks once it is held."""
    return Role(role) not in EMPLOYER_ROLES or meeting.kind in _EMPLOYER_SEES_MINUTES_OF


def may_download_invitation(role: Role, own: MeetingParticipant | None) -> bool:
    """The calendar file is for the meeting's participants and the jobcentre."""
    return own is not None or role in JOBCENTRE_ROLES


def doctor_may_be_invited(case: FastTrackCase, doctor: Any) -> bool:
    """Whether the case's doctor can be invited: only once their clinic was asked for
    a certificate, since before that they may not see the case (R-28) and the
    invitation would name the employee to them. ``doctor`` is None for a clinic
    without a doctor of its own in Fasttrack."""
    if doctor is not None:
        return role_in_case(doctor, case) == Role.DOCTOR
    clinic_id = case.absence.person.clinic_id
    return clinic_id is not None and (
        CertificateRequest.objects.filter(case=case, clinic_id=clinic_id).exists()
    )
