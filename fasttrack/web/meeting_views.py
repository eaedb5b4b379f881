"""The meeting page, the participant's answer, and the caseworker's changes.

One page per meeting (``web:meeting_detail``) for everyone who may see it
(``meetings.access``; 404 otherwise). It shows the time in Copenhagen time,
the place or video link, who comes and what they answered, the visitor's own
answer form and calendar file, and after the meeting the minutes and tasks.
The first visit of each participant is recorded, for the caseworker to see.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from fasttrack.audit.access import ROLE_PURPOSE
from fasttrack.audit.models import Purpose
from fasttrack.cases import actions, guards
from fasttrack.cases.errors import (
    HeldOnOutOfRange,
    MeetingTimeNotInFuture,
    ReasonRequired,
    RuleViolation,
    localized_message,
)
from fasttrack.meetings.access import (
    get_meeting_for,
    may_download_invitation,
    minutes_visible_to,
    participants_visible_to,
    tasks_visible_to,
)
from fasttrack.meetings.calendar import invitation_ics
from fasttrack.meetings.models import Meeting, MeetingKind, MeetingParticipant, MeetingState
from fasttrack.meetings.tracking import mark_invitation_opened, mark_minutes_opened
from fasttrack.people.models import JOBCENTRE_ROLES, Role, membership_of
from fasttrack.web.access import require_role
from fasttrack.web.case_forms import add_rule_error
from fasttrack.web.case_views import (
    _action_page,
    _bound,
    _case_for_caseworker,
)
from fasttrack.web.meeting_forms import (
    AnswerForm,
    CancelMeetingForm,
    MeetingHeldForm,
    RebookForm,
    TaskFormSet,
)


def _purpose(user: Any) -> str:
    membership = membership_of(user)
    return ROLE_PURPOSE.get(Role(membership.role), Purpose.CASE_WORK) if membership else ""


def _shows_minutes(meeting: Meeting, role: Role) -> bool:
    return meeting.state == MeetingState.HELD and minutes_visible_to(role, meeting)


def _can_answer(meeting: Meeting, own: MeetingParticipant | None) -> bool:
    return own is not None and guards.can_answer_invitation(meeting)


def _caseworker_links(meeting: Meeting, role: Role) -> dict[str, bool]:
    """What the caseworker may do with the meeting now: the guards the actions apply."""
    if role != Role.CASEWORKER or meeting.state != MeetingState.BOOKED:
        return {}
    return {
        "rebook": guards.can_rebook_meeting(meeting),
        "cancel": guards.can_cancel_meeting(meeting),
        "held": guards.can_record_held(meeting),
    }


def _answered(
    request: HttpRequest,
    form: AnswerForm,
    meeting: Meeting,
    participant: MeetingParticipant | None = None,
) -> bool:
    """Give the answer in ``form``; False with the refusal at its field."""
    try:
        actions.answer_invitation(
            case=meeting.case,
            actor=request.user,
            meeting=meeting,
            participant=participant,
            response=form.cleaned_data["response"],
            reason=form.cleaned_data["reason"],
            suggested_times=form.cleaned_data["suggested_times"],
        )
    except RuleViolation as error:
        add_rule_error(form, error, {ReasonRequired: "reason"})
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    meeting, role, own = get_meeting_for(
        request.user, case_id, meeting_id, purpose=_purpose(request.user), request=request
    )
    form = AnswerForm(
        _bound(request),
        initial={
            "response": own.response if own else None,
            "reason": own.response_reason if own else "",
            "suggested_times": own.suggested_times if own else "",
        },
    )
    if form.is_bound:
        if not _can_answer(meeting, own):
            messages.error(request, str(_("The invitation can no longer be answered.")))
            return redirect("web:meeting_detail", case_id=case_id, meeting_id=meeting_id)
        if form.is_valid() and _answered(request, form, meeting):
            return _to_meeting(request, meeting, _("Your answer is saved."))
    shows_minutes = _shows_minutes(meeting, role)
    if own is not None:
        mark_invitation_opened(own.pk)
        if shows_minutes:
            mark_minutes_opened(own.pk)
    context = {
        "case": meeting.case,
        "meeting": meeting,
        "role": role,
        "own": own,
        "participants": participants_visible_to(role, meeting.participants.select_related("user")),
        "is_jobcentre": role in JOBCENTRE_ROLES,
        "form": form if _can_answer(meeting, own) else None,
        "shows_minutes": shows_minutes,
        "tasks": tasks_visible_to(role, meeting.tasks.all()) if shows_minutes else [],
        "links": _caseworker_links(meeting, role),
        "starts_at": timezone.localtime(meeting.starts_at),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/meetings/detail.html", context, status=status)


@login_required
@require_GET
def meeting_ics(request: HttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    """The meeting as a calendar file, for a participant or the jobcentre."""
    meeting, role, own = get_meeting_for(
        request.user, case_id, meeting_id, purpose=_purpose(request.user), request=request
    )
    if not may_download_invitation(role, own):
        raise Http404
    response = HttpResponse(
        invitation_ics(meeting, audience=role), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


def _meeting_for_caseworker(request: HttpRequest, case_id: int, meeting_id: int) -> Meeting:
    case = _case_for_caseworker(request, case_id)
    return get_object_or_404(Meeting.objects.select_related("case"), pk=meeting_id, case=case)


def _to_meeting(request: HttpRequest, meeting: Meeting, message: Any) -> HttpResponse:
    messages.success(request, str(message))
    return redirect("web:meeting_detail", case_id=meeting.case_id, meeting_id=meeting.pk)


def _starts_at(data: dict[str, Any]) -> datetime:
    return timezone.make_aware(datetime.combine(data["date"], data["time"]))


@require_role(Role.CASEWORKER)
def meeting_answer_on_behalf(
    request: HttpRequest, case_id: int, meeting_id: int, participant_id: int
) -> HttpResponse:
    """The answer a participant without a login gave by phone or in person."""
    meeting = _meeting_for_caseworker(request, case_id, meeting_id)
    participant = get_object_or_404(meeting.participants, pk=participant_id, user=None)
    form = AnswerForm(_bound(request))
    if form.is_bound and form.is_valid() and _answered(request, form, meeting, participant):
        return _to_meeting(request, meeting, _("The answer is recorded."))
    return _action_page(
        request,
        meeting.case,
        form,
        title=_("Record the answer of %(name)s") % {"name": participant.name},
        submit=_("Record the answer"),
        intro=_("%(name)s has no login and answered by phone, e-mail or in person.")
        % {"name": participant.name},
        meeting=meeting,
    )


@require_role(Role.CASEWORKER)
def meeting_rebook(request: HttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    meeting = _meeting_for_caseworker(request, case_id, meeting_id)
    local = timezone.localtime(meeting.starts_at)
    form = RebookForm(
        _bound(request),
        initial={
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "location": meeting.location,
            "video_url": meeting.video_url,
        },
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            actions.rebook_meeting(
                case=meeting.case,
                actor=request.user,
                meeting=meeting,
                reason=data["reason"],
                starts_at=_starts_at(data),
                location=data["location"],
                video_url=data["video_url"],
            )
        except RuleViolation as error:
            add_rule_error(form, error, {ReasonRequired: "reason", MeetingTimeNotInFuture: "date"})
        else:
            return _to_meeting(
                request, meeting, _("The meeting is moved; the participants are told.")
            )
    return _action_page(
        request,
        meeting.case,
        form,
        title=_("Rebook: %(kind)s") % {"kind": meeting.get_kind_display()},
        submit=_("Rebook"),
        intro=_(
            "Every participant gets the new time or place with an updated calendar invitation, "
            "and is asked to answer again."
        ),
        meeting=meeting,
    )


@require_role(Role.CASEWORKER)
def meeting_cancel(request: HttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    meeting = _meeting_for_caseworker(request, case_id, meeting_id)
    form = CancelMeetingForm(_bound(request))
    if form.is_bound and form.is_valid():
        try:
            actions.cancel_meeting(
                case=meeting.case,
                actor=request.user,
                meeting=meeting,
                reason=form.cleaned_data["reason"],
            )
        except RuleViolation as error:
            add_rule_error(form, error, {ReasonRequired: "reason"})
        else:
            return _to_meeting(request, meeting, _("The meeting is cancelled."))
    return _action_page(
        request,
        meeting.case,
        form,
        title=_("Cancel: %(kind)s") % {"kind": meeting.get_kind_display()},
        submit=_("Cancel the meeting"),
        intro=_("Every participant is told, and the meeting is removed from their calendars."),
        meeting=meeting,
    )


@require_role(Role.CASEWORKER)
def meeting_record_held(request: HttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    """The minutes and each party's tasks; the participants are told the minutes are ready."""
    meeting = _meeting_for_caseworker(request, case_id, meeting_id)
    if (refusal := guards.refusal_to_record_held(meeting)) is not None:
        messages.error(request, localized_message(refusal))
        return redirect("web:meeting_detail", case_id=case_id, meeting_id=meeting_id)
    form = MeetingHeldForm(
        _bound(request), initial={"held_on": timezone.localdate(meeting.starts_at)}
    )
    formset = TaskFormSet(_bound(request), prefix="tasks")
    if form.is_bound and form.is_valid() and formset.is_valid():
        tasks = [t.cleaned_data for t in formset.forms if t.cleaned_data and not t.is_blank()]
        try:
            actions.record_meeting_held(
                case=meeting.case,
                actor=request.user,
                meeting=meeting,
                held_on=form.cleaned_data["held_on"],
                minutes=form.cleaned_data["minutes"],
                tasks=tasks,
            )
        except RuleViolation as error:
            add_rule_error(form, error, {HeldOnOutOfRange: "held_on"})
        else:
            return _to_meeting(request, meeting, _("The meeting is recorded as held."))
    warning = (
        _(
            "The minutes and the tasks are shared with the employer at a retention meeting: "
            "write no health data in them."
        )
        if meeting.kind == MeetingKind.RETENTION_MEETING
        else _("The minutes and the tasks are shared with the employee: write them plainly.")
    )
    response = _action_page(
        request,
        meeting.case,
        form,
        title=_("Record as held: %(kind)s") % {"kind": meeting.get_kind_display()},
        submit=_("Record as held"),
        meeting=meeting,
        warning=warning,
        formset=formset,
        formset_legend=_("Task"),
    )
    if formset.is_bound and formset.errors and response.status_code == 200:
        response.status_code = 400
    return response
