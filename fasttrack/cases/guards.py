"""What an action needs besides the state table, one refusal per action (R-33, R-35).

Each ``refusal_to_*`` function returns the rule breach that stops the action
now, or None. The actions raise it under the case's row lock
(``require(refusal_to_book_meeting(case, kind))``), and the pages ask the
matching ``can_*`` predicate before they offer a button, so a page never
offers what the engine would refuse, and the two can never disagree.

"Now" and "today" are Danish time (``TIME_ZONE``): a meeting at 23:30 on a
Sunday is in the future until 23:30 Danish time, wherever the server runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from fasttrack.cases.clock import latest_certificate_request
from fasttrack.cases.errors import (
    CaseAlreadyAssigned,
    CertificateAlreadyRequested,
    ClinicMissing,
    EmployerConversationAlreadyRecorded,
    FirstConversationAlreadyHeld,
    IdentityNotConfirmed,
    InvalidTransition,
    MeetingAlreadyBooked,
    MeetingCancelled,
    MeetingHeldNoChange,
    MeetingNotYetHeld,
    MeetingStillBooked,
    RuleViolation,
)
from fasttrack.cases.models import EmployerConversation, FastTrackCase
from fasttrack.cases.states import Action, can
from fasttrack.medical.models import CertificateRequest, RequestStatus
from fasttrack.meetings.models import Meeting, MeetingKind, MeetingState

HELD_ACTION = {
    MeetingKind.FIRST_CONVERSATION: Action.RECORD_FIRST_CONVERSATION_HELD,
    MeetingKind.RETENTION_MEETING: Action.RECORD_RETENTION_MEETING_HELD,
}


def require(refusal: RuleViolation | None) -> None:
    """Raise the refusal, if there is one."""
    if refusal is not None:
        raise refusal


def _state_refusal(case: FastTrackCase, *actions: Action) -> InvalidTransition | None:
    for action in actions:
        if not can(case.state, action):
            return InvalidTransition(state=case.state, action=action.value)
    return None


# --- meetings -------------------------------------------------------------------------


def refusal_to_book_meeting(
    case: FastTrackCase, kind: MeetingKind | str, *, meetings: Sequence[Meeting] | None = None
) -> RuleViolation | None:
    """One booked meeting of each kind at a time, and only one first conversation ever.

    ``meetings``: all of the case's meetings, when the caller has read them.
    """
    kind = MeetingKind(kind)
    # On the normal track only the first conversation remains.
    if (refusal := _state_refusal(case, Action.BOOK_MEETING, HELD_ACTION[kind])) is not None:
        return refusal
    if not case.identity_confirmed:
        # The invitation would reach a citizen the request only named.
        return IdentityNotConfirmed()
    of_kind = [m for m in _meetings_of(case, meetings) if m.kind == kind]
    booked = _first(of_kind, MeetingState.BOOKED, key=lambda m: m.starts_at)
    if booked is not None:
        return MeetingAlreadyBooked(kind=kind.value, starts_at=booked.starts_at)
    if kind == MeetingKind.FIRST_CONVERSATION:
        held = _first(of_kind, MeetingState.HELD, key=lambda m: m.held_on or date.max)
        if held is not None:
            return FirstConversationAlreadyHeld(held_on=held.held_on)
    return None


def _meetings_of(case: FastTrackCase, meetings: Sequence[Meeting] | None) -> Sequence[Meeting]:
    """All of the case's meetings: those the caller read already, or one query."""
    return list(Meeting.objects.filter(case=case)) if meetings is None else meetings


def _first(
    meetings: Sequence[Meeting], state: str, *, key: Callable[[Meeting], Any]
) -> Meeting | None:
    """The first meeting in ``state`` by ``key``, the lowest id first among equals."""
    return min(
        (m for m in meetings if m.state == state), key=lambda m: (key(m), m.pk), default=None
    )


def can_book_meeting(
    case: FastTrackCase, kind: MeetingKind | str, *, meetings: Sequence[Meeting] | None = None
) -> bool:
    return refusal_to_book_meeting(case, kind, meetings=meetings) is None


def refusal_to_change_meeting(meeting: Meeting, action: Action) -> RuleViolation | None:
    """A held or cancelled meeting is history: it is not moved or cancelled again."""
    if (refusal := _state_refusal(meeting.case, action)) is not None:
        return refusal
    if meeting.state == MeetingState.CANCELLED:
        assert meeting.cancelled_at is not None
        return MeetingCancelled(cancelled_on=timezone.localdate(meeting.cancelled_at))
    if meeting.state == MeetingState.HELD:
        return MeetingHeldNoChange(held_on=meeting.held_on)
    return None


def can_rebook_meeting(meeting: Meeting) -> bool:
    return refusal_to_change_meeting(meeting, Action.REBOOK_MEETING) is None


def can_cancel_meeting(meeting: Meeting) -> bool:
    return refusal_to_change_meeting(meeting, Action.CANCEL_MEETING) is None


def refusal_to_record_held(meeting: Meeting, *, today: date | None = None) -> RuleViolation | None:
    """A booked meeting whose day has come (R-33); held or cancelled ones refuse as before."""
    action = HELD_ACTION[MeetingKind(meeting.kind)]
    if (refusal := refusal_to_change_meeting(meeting, action)) is not None:
        return refusal
    starts_on = timezone.localdate(meeting.starts_at)
    if starts_on > (today or timezone.localdate()):
        return MeetingNotYetHeld(starts_on=starts_on)
    return None


def can_record_held(meeting: Meeting, *, today: date | None = None) -> bool:
    return refusal_to_record_held(meeting, today=today) is None


def can_answer_invitation(meeting: Meeting, *, now: datetime | None = None) -> bool:
    """Until the meeting starts, while it is booked and the case allows it."""
    return (
        meeting.state == MeetingState.BOOKED
        and (now or timezone.now()) < meeting.starts_at
        and can(meeting.case.state, Action.ANSWER_INVITATION)
    )


# --- the medical certificate ---------------------------------------------------------


def open_certificate_request(case: FastTrackCase) -> CertificateRequest | None:
    return (
        CertificateRequest.objects.filter(case=case, status=RequestStatus.REQUESTED)
        .order_by("-requested_on", "-pk")
        .first()
    )


def refusal_to_request_certificate(
    case: FastTrackCase, *, requests: Sequence[CertificateRequest] | None = None
) -> RuleViolation | None:
    """One open request at a time (R-35), to the employee's own doctor (R-15).

    ``requests``: all of the case's certificate requests, when the caller has read them.
    """
    if (refusal := _state_refusal(case, Action.REQUEST_CERTIFICATE)) is not None:
        return refusal
    if not case.identity_confirmed:
        return IdentityNotConfirmed()
    open_request = (
        open_certificate_request(case)
        if requests is None
        else latest_certificate_request(requests, open_only=True)
    )
    if open_request is not None:
        return CertificateAlreadyRequested(
            requested_on=open_request.requested_on, due_on=open_request.due_on
        )
    if case.absence.person.clinic_id is None:
        return ClinicMissing()
    return None


def can_request_certificate(case: FastTrackCase) -> bool:
    return refusal_to_request_certificate(case) is None


# --- closing --------------------------------------------------------------------------


def refusal_to_close(
    case: FastTrackCase, *, meetings: Sequence[Meeting] | None = None
) -> RuleViolation | None:
    """No meeting is left booked: it is held or cancelled first, so calendars stay true.

    ``meetings``: all of the case's meetings, when the caller has read them.
    """
    if (refusal := _state_refusal(case, Action.CLOSE)) is not None:
        return refusal
    booked = _first(_meetings_of(case, meetings), MeetingState.BOOKED, key=lambda m: m.starts_at)
    if booked is not None:
        return MeetingStillBooked(kind=booked.kind, starts_at=booked.starts_at)
    return None


def can_close(case: FastTrackCase, *, meetings: Sequence[Meeting] | None = None) -> bool:
    return refusal_to_close(case, meetings=meetings) is None


# --- who works on the case -------------------------------------------------------------


def refusal_to_take(case: FastTrackCase, user: Any) -> RuleViolation | None:
    """A caseworker takes a case from the queue; reassigning is the manager's."""
    if (refusal := _state_refusal(case, Action.ASSIGN_CASEWORKER)) is not None:
        return refusal
    if case.caseworker_id is not None and case.caseworker_id != user.pk:
        assert case.caseworker is not None
        name = case.caseworker.get_full_name() or case.caseworker.get_username()
        return CaseAlreadyAssigned(caseworker=name)
    return None


def can_take(case: FastTrackCase, user: Any) -> bool:
    return case.caseworker_id != user.pk and refusal_to_take(case, user) is None


def can_assign(case: FastTrackCase) -> bool:
    """Whether the jobcentre manager may (re)assign the case."""
    return can(case.state, Action.ASSIGN_CASEWORKER)


# --- the employer's own conversation (R-23) ----------------------------------------------


def refusal_to_record_employer_conversation(case: FastTrackCase) -> RuleViolation | None:
    if (refusal := _state_refusal(case, Action.RECORD_EMPLOYER_CONVERSATION)) is not None:
        return refusal
    return _employer_conversation_refusal(EmployerConversation.objects.filter(case=case).first())


def _employer_conversation_refusal(recorded: EmployerConversation | None) -> RuleViolation | None:
    if recorded is not None:
        return EmployerConversationAlreadyRecorded(held_on=recorded.held_on)
    return None


def can_record_employer_conversation(case: FastTrackCase) -> bool:
    return (
        case.absence.employer_id is not None
        and refusal_to_record_employer_conversation(case) is None
    )


def can_record_employer_conversation_given(
    case: FastTrackCase, recorded: EmployerConversation | None
) -> bool:
    """As ``can_record_employer_conversation``, with the case's conversation (or None)
    already read by the caller."""
    return (
        case.absence.employer_id is not None
        and _state_refusal(case, Action.RECORD_EMPLOYER_CONVERSATION) is None
        and _employer_conversation_refusal(recorded) is None
    )
