"""The employee's pages: "Din sag", the answer to the employer's request, the
direct request and "Hvem har set mine oplysninger" (R-26).

The employee reads their own case through ``get_case_for`` with the purpose
``own_data``; every change goes through the case engine's actions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fasttrack.audit.access import AccessAction, Purpose, access_log_for_person, log_access
from fasttrack.cases import clock
from fasttrack.cases.access import get_case_for, log_cases_shown
from fasttrack.cases.actions import accept, decline, request_fast_track
from fasttrack.cases.errors import (
    ConsentAlreadyGiven,
    InvalidTransition,
    NotPermitted,
    RuleViolation,
)
from fasttrack.cases.export import export_filename, export_for_person
from fasttrack.cases.models import Channel, Consent, FastTrackCase, Requester
from fasttrack.cases.queries import answers_visible_to, current_plan_version, deadlines_for
from fasttrack.cases.states import OPEN_STATES, State
from fasttrack.lib.rules import (
    QUESTION_KEYS,
    DeadlineKey,
    banking_days_between,
    first_followup_conversation,
    question_set,
    rule_set_by_version,
    rule_set_for,
)
from fasttrack.medical.models import RequestStatus
from fasttrack.meetings.models import MeetingState
from fasttrack.people.models import Person, Role
from fasttrack.web.access import require_membership, require_role
from fasttrack.web.employer_views import request_window
from fasttrack.web.party_forms import (
    CitizenRequestForm,
    ConsentForm,
    add_rule_error,
    first_absence_day_of,
)
from fasttrack.web.start_pages import START_PAGES
from fasttrack.web.templatetags.party_tags import party_cases

ACCESS_LOG_PAGE_SIZE = 25


def _person(request: HttpRequest) -> Person:
    membership = require_membership(request, Role.EMPLOYEE)
    assert membership.person is not None
    return membership.person


def _case_overview(case: FastTrackCase) -> dict[str, Any]:
    """What "Din sag" shows about one case, beyond its status."""
    now = timezone.now()
    certificate_request = clock.current_certificate_request(case)
    return {
        "case": case,
        "awaits_answer": case.state == State.AWAITING_CONSENT
        and getattr(case, "consent", None) is None,
        # A closed case books no more meetings: the jobcentre will not call about one.
        "is_open": case.state in OPEN_STATES,
        "upcoming_meetings": sorted(
            (
                m
                for m in case.meetings.all()
                if m.state == MeetingState.BOOKED and m.starts_at >= now
            ),
            key=lambda m: m.starts_at,
        ),
        "plan": current_plan_version(case),
        # Only the request's existence and due date, never the certificate itself.
        "doctor_asked": certificate_request is not None
        and certificate_request.status == RequestStatus.REQUESTED,
    }


@require_GET
@require_role(Role.EMPLOYEE)
def employee_start(request: HttpRequest) -> HttpResponse:
    """ "Din sag": the open case first, with what happens next and who acts."""
    person = _person(request)
    cases = list(party_cases(request.user))
    log_cases_shown(request.user, cases, request=request)
    open_cases = [case for case in cases if case.state in OPEN_STATES]
    current = open_cases[0] if open_cases else (cases[-1] if cases else None)
    context = {
        "page": START_PAGES[Role.EMPLOYEE],
        "organisation": person,
        "role": Role.EMPLOYEE,
        "current": _case_overview(current) if current else None,
        "other_cases": [case for case in cases if case is not current],
        "clinic": person.clinic,
    }
    return render(request, "web/start/employee.html", context)


def _consent_deadline(case: FastTrackCase, today: date) -> dict[str, Any] | None:
    row = deadlines_for(case).filter(key=DeadlineKey.EMPLOYEE_CONSENT).first()
    if row is None or row.due_on is None:
        return None
    return {
        "due": row.due_on,
        "basis": row.basis,
        "banking_days_left": banking_days_between(today, row.due_on),
        "today": row.due_on == today,
        "late": today > row.due_on,
    }


def _answer_rows(case: FastTrackCase, form: ConsentForm) -> list[dict[str, Any]]:
    """Each question with the employer's answer beside the employee's field (R-07)."""
    employer_answers = answers_visible_to(Role.EMPLOYEE, case)["employer"]
    return [
        {
            "field": form[key],
            "employer_answer": getattr(employer_answers, key, "") if employer_answers else "",
        }
        for key in QUESTION_KEYS
    ]


@require_http_methods(["GET", "POST"])
@require_role(Role.EMPLOYEE)
def citizen_consent(request: HttpRequest, case_id: int) -> HttpResponse:
    """The employee says yes (with their answers) or no to the employer's request."""
    case, role = get_case_for(request.user, case_id, purpose=Purpose.OWN_DATA, request=request)
    if role != Role.EMPLOYEE:
        raise Http404
    if case.state != State.AWAITING_CONSENT or Consent.objects.filter(case=case).exists():
        messages.info(request, _("You have already answered this request."))
        return redirect("web:case_detail", case.pk)
    today = timezone.localdate()
    questions = question_set(case.question_set_version)
    form = ConsentForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            if form.accepted:
                case = accept(case=case, actor=request.user, answers=form.answers())
            else:
                case = decline(case=case, actor=request.user)
        except (ConsentAlreadyGiven, InvalidTransition):
            messages.info(request, _("You have already answered this request."))
            return redirect("web:case_detail", case.pk)
        except RuleViolation as error:
            add_rule_error(form, error)
        else:
            messages.success(request, _consent_message(case, accepted=form.accepted))
            return redirect("web:case_detail", case.pk)
    rule_set = rule_set_by_version(case.rule_set_version)
    normal_track = first_followup_conversation(
        rule_set, case.requested_on, case.absence.first_absence_day, declined=True
    )
    context = {
        "case": case,
        "form": form,
        "rows": _answer_rows(case, form),
        "employer_answered": answers_visible_to(Role.EMPLOYEE, case)["employer"] is not None,
        "deadline": _consent_deadline(case, today),
        "first_conversation_days": rule_set.first_conversation_days,
        "normal_track_due": normal_track.due,
        "normal_track_basis": normal_track.basis,
    }
    return render(request, "web/citizen/consent.html", context)


def _consent_message(case: FastTrackCase, *, accepted: bool) -> str:
    if not accepted:
        return _(
            "You said no to Fast track. The jobcentre follows up on your sick leave in the "
            "usual way. It has no consequences for your sickness benefit."
        )
    if case.state == State.AWAITING_CONSENT:
        # A late yes: the caseworker decides.
        return _(
            "Thank you. Your yes came after the deadline, so the jobcentre decides whether "
            "Fast track can go ahead. You will hear from the jobcentre."
        )
    return _(
        "Thank you. You said yes to Fast track. A caseworker from the jobcentre contacts you "
        "for the first conversation."
    )


@require_http_methods(["GET", "POST"])
@require_role(Role.EMPLOYEE)
def citizen_request(request: HttpRequest) -> HttpResponse:
    """The employee asks the jobcentre directly (R-02, R-14), with or without an employer."""
    person = _person(request)
    questions = question_set(rule_set_for(timezone.localdate()).question_set)
    employments = list(person.employments.select_related("employer"))
    initial = {"employer_cvr": employments[0].employer.cvr} if len(employments) == 1 else {}
    form = CitizenRequestForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        person=person,
        questions=questions,
    )
    if request.method == "POST" and form.is_valid():
        try:
            case, created = request_fast_track(
                actor=request.user,
                person=person,
                employer=form.employer,
                first_absence_day=form.cleaned_data["first_absence_day"],
                expects_over_8_weeks=form.cleaned_data["expects_over_8_weeks"],
                answers=form.answers(),
                requested_by=Requester.EMPLOYEE,
                channel=Channel.WEB,
                new_absence=form.cleaned_data.get("new_absence", False),
            )
        except NotPermitted:
            form.add_error(None, _("You cannot request Fast track here. Call the jobcentre."))
        except RuleViolation as error:
            add_rule_error(form, error)
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "Your request has been sent to the jobcentre. A caseworker contacts "
                        "you for the first conversation."
                    ),
                )
            else:
                # the employer's request for the same absence was already there.
                messages.success(
                    request,
                    _(
                        "Your employer had already asked for Fast track for this sick leave. "
                        "Your request counts as your answer to it."
                    ),
                )
            return redirect("web:case_detail", case.pk)
    context = {
        "form": form,
        "window": request_window(first_absence_day_of(form), requested_by=Requester.EMPLOYEE)
        if form.is_bound
        else None,
        "show_employer_reminder": False,
        "jobcentre": person.municipality,
    }
    return render(request, "web/citizen/request_form.html", context)


@require_GET
@require_role(Role.EMPLOYEE)
def citizen_access_log(request: HttpRequest) -> HttpResponse:
    """Who has used my data: when, which organisation and role, what and why (R-26)."""
    person = _person(request)
    # Reading the log is a read of one's own data too; the log itself
    # leaves one's own reads out, so this entry does not clutter the page.
    log_access(
        user=request.user,
        action=AccessAction.READ,
        purpose=Purpose.OWN_DATA,
        person=person,
        request=request,
    )
    entries = access_log_for_person(person).only(
        "at", "organisation", "role", "action", "purpose", "case_id"
    )
    page = Paginator(entries, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("side"))
    return render(request, "web/citizen/access_log.html", {"page_obj": page})


@require_GET
@require_role(Role.EMPLOYEE)
def citizen_my_data(request: HttpRequest) -> HttpResponse:
    """ "Mine data": what the export holds, and the button that downloads it."""
    _person(request)
    return render(request, "web/citizen/my_data.html", {})


@require_GET
@require_role(Role.EMPLOYEE)
def citizen_my_data_download(request: HttpRequest) -> HttpResponse:
    """All Fasttrack holds about the citizen, as a JSON file (GDPR art. 15, 20).

    Logged as an export of their data (R-25); the file name carries neither
    the CPR number nor the name.
    """
    person = _person(request)
    document = export_for_person(person)
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        purpose=Purpose.OWN_DATA,
        person=person,
        request=request,
    )
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{export_filename()}"'
    return response
