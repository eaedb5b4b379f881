"""``/cases/{id}/meetings``: the first conversation and the retention meeting (R-19, R-21).

The caseworker books and records; the participants and the jobcentre fetch the
calendar invitation. Booking names parties, and ``meetings.invitees`` finds
who each one is in the case, as the pages do.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from pydantic import BaseModel, StrictBool

from fasttrack.api.auth import token_of
from fasttrack.api.cases import (
    PURPOSE,
    CaseOut,
    MeetingOut,
    StateConflict,
    acting_as,
    case_out,
    meeting_out,
)
from fasttrack.api.fields import AwareTime
from fasttrack.api.idempotency import idempotent
from fasttrack.api.problems import InvalidInput
from fasttrack.cases import actions
from fasttrack.cases.errors import MeetingAlreadyHeld, localized_message
from fasttrack.cases.models import FastTrackCase
from fasttrack.cases.queries import meetings_for
from fasttrack.lib.validation import LATEST_YEAR, MINUTES_LENGTH, NAME_LENGTH
from fasttrack.meetings.access import get_meeting_for, may_download_invitation
from fasttrack.meetings.calendar import invitation_ics
from fasttrack.meetings.invitees import (
    InvalidParticipants,
    Invitee,
    resolve_participants,
)
from fasttrack.meetings.models import Meeting, MeetingKind, Party
from fasttrack.people.models import Role, membership_of

router = Router(tags=["meetings"])

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


class ParticipantIn(BaseModel):
    # A plain pydantic model, as AnswersIn: a list item must be an object.
    party: Literal[
        "employee",
        "nearest_manager",
        "caseworker",
        "companion",
        "union_representative",
        "doctor",
    ] = Field(
        description=(
            "As whom they take part. The employee, the nearest manager, the caseworker (you) "
            "and the doctor (the employee's own) are found in the case; a companion and a "
            "union representative have no login and are named."
        ),
        examples=["union_representative"],
    )
    name: str = Field(
        "",
        max_length=NAME_LENGTH,
        description="The name; required for companion and union_representative, else ignored.",
        examples=["Bo Nielsen"],
    )
    employee_consented: StrictBool = Field(
        False,
        description=(
            "Whether the employee has agreed that their doctor takes part; the doctor needs "
            "it, the others ignore it."
        ),
        examples=[False],
    )


class MeetingIn(Schema):
    kind: Literal["first_conversation", "retention_meeting"] = Field(
        description=(
            "first_conversation (the first follow-up conversation, R-19) or "
            "retention_meeting (R-21)."
        ),
        examples=["first_conversation"],
    )
    starts_at: AwareTime = Field(
        description=(
            "When it starts: ISO 8601 with an offset from -12:00 to +14:00, not in the past "
            f"and not after the year {LATEST_YEAR}."
        ),
        examples=["2026-11-27T10:00:00+01:00"],
    )
    location: str = Field(
        "",
        max_length=300,
        description="Where; leave empty for a video meeting. Give a place, a video link or both.",
        examples=["Jobcenter København, Gyldenløvesgade 15"],
    )
    video_url: str = Field(
        "",
        max_length=200,
        description="An http(s) link to the video meeting; empty if none.",
        examples=[""],
    )
    participants: list[ParticipantIn] | None = Field(
        None,
        max_length=20,
        description=(
            "Who takes part. Leave out for the kind's usual parties: the employee and the "
            "caseworker for the first conversation; also the nearest manager for the "
            "retention meeting."
        ),
    )


class HeldIn(Schema):
    minutes: str = Field(
        min_length=1,
        max_length=MINUTES_LENGTH,
        description="What was said and agreed, and who does what next.",
        examples=["Janni starts on 20 hours a week from Monday; we meet again in 4 weeks."],
    )
    held_on: date | None = Field(
        None,
        description=(
            "The day it was held (YYYY-MM-DD): from the day it was booked for to today "
            "(R-33); default today."
        ),
        examples=["2026-11-27"],
    )


_PLACE_OR_LINK = _("Give a place, a video link or both.")
_NOT_A_LINK = _("Enter a link that starts with https:// or http://.")


def _where(payload: MeetingIn) -> dict[str, list[Any]]:
    # The time is the action's to check, in the same words on every face.
    errors: dict[str, list[Any]] = {}
    if not payload.location.strip() and not payload.video_url.strip():
        errors["location"] = [_PLACE_OR_LINK]
    if payload.video_url:
        try:
            URLValidator(schemes=["http", "https"])(payload.video_url)
        except ValidationError:
            errors["video_url"] = [_NOT_A_LINK]
    return errors


def _participants(
    case: FastTrackCase, actor: Any, kind: MeetingKind, payload: MeetingIn
) -> list[dict[str, Any]]:
    invitees = (
        None
        if payload.participants is None
        else [Invitee(Party(p.party), p.name, p.employee_consented) for p in payload.participants]
    )
    try:
        return resolve_participants(case, actor, kind, invitees)
    except InvalidParticipants as error:
        errors: dict[str, list[Any]] = {}
        for problem in error.errors:
            path = "participants"
            if problem.index is not None:
                path = f"participants.{problem.index}.{problem.field}"
            errors.setdefault(path, []).append(problem.message)
        raise InvalidInput(errors) from error


@router.post(
    "/cases/{case_id}/meetings",
    response={201: MeetingOut},
    summary="Book a meeting",
    description=(
        "The caseworker books the first follow-up conversation (R-19) or the retention "
        "meeting (R-21) and the participants get an invitation. Booking meets no deadline: "
        "record the meeting as held when it has taken place. 201 with the meeting and its "
        "`id`; 422 for a time without an offset or not in the future (R-33, on "
        "`starts_at`), no place and no video link, or a participant who cannot take part "
        "(the doctor without the employee's consent, a nearest manager the case does not "
        "have); 409 when a meeting of the kind is already booked, or the first conversation "
        "was already held (R-35), or the case's state does not allow the meeting; 403 for "
        "the other parties."
    ),
)
@idempotent
def book_meeting(request: HttpRequest, case_id: int, payload: MeetingIn) -> Status:
    user, case = acting_as(request, case_id, Role.CASEWORKER)
    errors = _where(payload)
    if errors:
        raise InvalidInput(errors)
    kind = MeetingKind(payload.kind)
    meeting = actions.book_meeting(
        case=case,
        actor=user,
        kind=kind,
        starts_at=payload.starts_at,
        location=payload.location.strip(),
        video_url=payload.video_url.strip(),
        participants=_participants(case, user, kind, payload),
    )
    return Status(201, meeting_out(meetings_for(case).get(pk=meeting.pk), Role.CASEWORKER))


def _meeting_of(case: FastTrackCase, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.filter(pk=meeting_id, case=case).first()
    if meeting is None:
        raise Http404
    return meeting


@router.post(
    "/cases/{case_id}/meetings/{meeting_id}/held",
    response=CaseOut,
    summary="Record a meeting as held",
    description=(
        "The caseworker records that the meeting took place, with the minutes: this, not "
        "the booking, meets its deadline (R-19, R-21). 200 with the case; 409 when the "
        "meeting is already recorded as held or cancelled, its day has not come yet, or the "
        "case's state does not allow it; 422 on `held_on` for a day before the booked day or "
        "after today (R-33); 404 for a meeting of another case; 403 for the other parties."
    ),
)
@idempotent
def record_meeting_held(
    request: HttpRequest, case_id: int, meeting_id: int, payload: HeldIn
) -> dict[str, Any]:
    user, case = acting_as(request, case_id, Role.CASEWORKER)
    meeting = _meeting_of(case, meeting_id)
    held_on = payload.held_on or timezone.localdate()
    try:
        actions.record_meeting_held(
            case=case, actor=user, meeting=meeting, held_on=held_on, minutes=payload.minutes
        )
    except MeetingAlreadyHeld as error:
        raise StateConflict(localized_message(error), rule_id=error.rule_id) from error
    case.refresh_from_db()
    return case_out(case, Role.CASEWORKER, user)


@router.get(
    "/cases/{case_id}/meetings/{meeting_id}/invite.ics",
    response={200: None},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The invitation (iCalendar, RFC 5545).",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
    summary="Download a meeting's calendar invitation",
    description=(
        "The invitation as an iCalendar file, the same the participants receive by e-mail. "
        "For the meeting's participants with a login and for the jobcentre of the case; "
        "404 for everyone else, also a party of the case who does not take part. The read "
        "is logged (R-25)."
    ),
)
def meeting_invitation(request: HttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    user = token_of(request).user
    # Whether the user may see the meeting, and what of it, is meetings.access's
    # to say, as on the pages; the read is logged there.
    meeting, role, own = get_meeting_for(
        user, case_id, meeting_id, purpose=PURPOSE[_role_of(user)], request=request
    )
    if not may_download_invitation(role, own):
        raise Http404
    response = HttpResponse(
        invitation_ics(meeting, audience=role), content_type=CALENDAR_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="fasttrack-meeting-{meeting.pk}.ics"'
    return response


def _role_of(user: Any) -> Role:
    membership = membership_of(user)
    assert membership is not None  # the authentication refuses users without a role
    return Role(membership.role)
