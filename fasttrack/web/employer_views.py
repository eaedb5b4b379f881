"""The employer's pages: HR's requests and the nearest manager's cases.

The employer never sees health data or the employee's answers (R-09, R-18):
these views read cases through ``cases_for`` and the status helpers, which
leave the medical milestones out, and never call ``get_certificate_for``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fasttrack.audit.access import Purpose
from fasttrack.cases.access import get_case_for, log_cases_shown
from fasttrack.cases.actions import (
    invite_nearest_manager,
    record_employer_conversation,
    request_fast_track,
    set_nearest_manager,
)
from fasttrack.cases.errors import (
    EmployerConversationOutOfRange,
    NotANearestManager,
    NotPermitted,
    RuleViolation,
)
from fasttrack.cases.identity import EmployeeDetailsInvalid, employee_for_request
from fasttrack.cases.models import Channel, DeadlineStatus, FastTrackCase, Requester
from fasttrack.cases.queries import current_plan_versions
from fasttrack.cases.states import Action, can
from fasttrack.lib.rules import (
    DeadlineKey,
    NoRuleSetInForce,
    RuleSet,
    employer_sick_absence_conversation,
    question_set,
    request_window_closes,
    rule_set_for,
)
from fasttrack.login.accounts import AccountError
from fasttrack.meetings.access import meetings_for_user
from fasttrack.meetings.models import MeetingState
from fasttrack.people.models import Employer, Role
from fasttrack.web.access import require_membership, require_role
from fasttrack.web.case_forms import EmployerConversationForm, NearestManagerForm
from fasttrack.web.case_forms import add_rule_error as add_case_rule_error
from fasttrack.web.party_forms import (
    EmployerRequestForm,
    LastValidDayQuery,
    add_rule_error,
    first_absence_day_of,
)
from fasttrack.web.start_pages import START_PAGES
from fasttrack.web.templatetags.party_tags import party_cases


@dataclass(frozen=True)
class RequestWindow:
    """When a request for an absence starting on ``first_absence_day`` is still valid (R-03)."""

    first_absence_day: date
    last_valid_day: date
    basis: str
    in_future: bool
    closed: bool
    # The employer's own conversation, § 7 a: a reminder, not a Fast track rule.
    employer_conversation_due: date | None
    employer_conversation_basis: str


def request_window(
    first_absence_day: date | None,
    *,
    requested_by: Requester = Requester.EMPLOYER,
    today: date | None = None,
) -> RequestWindow | None:
    if first_absence_day is None:
        return None
    today = today or timezone.localdate()
    try:
        rule_set: RuleSet = rule_set_for(today)
    except NoRuleSetInForce:
        return None
    window = request_window_closes(rule_set, first_absence_day, requested_by.value)  # type: ignore[arg-type]
    assert window.due is not None
    last_day = window.due
    conversation = employer_sick_absence_conversation(rule_set, first_absence_day)
    return RequestWindow(
        first_absence_day=first_absence_day,
        last_valid_day=last_day,
        # § 7 c for the employer's request, § 7 e for the employee's own.
        basis=window.basis,
        in_future=first_absence_day > today,
        closed=today > last_day,
        employer_conversation_due=conversation.due,
        employer_conversation_basis=conversation.basis,
    )


def _employer_conversation_reminders(cases: list) -> list[tuple[object, object]]:
    """Open cases whose § 7 a conversation is still ahead (R-23)."""
    today = timezone.localdate()
    reminders = []
    for case in cases:
        for row in case.deadlines.all():
            if (
                row.key == DeadlineKey.EMPLOYER_SICK_ABSENCE_CONVERSATION
                and row.status == DeadlineStatus.PENDING
                and row.due_on is not None
                and row.due_on >= today
            ):
                reminders.append((case, row))
    return reminders


@require_GET
@require_role(Role.EMPLOYER)
def employer_start(request: HttpRequest) -> HttpResponse:
    """HR's requests, the most urgent first, with what happens next."""
    membership = require_membership(request, Role.EMPLOYER)
    cases = list(party_cases(request.user))
    log_cases_shown(request.user, cases, request=request)
    context = {
        "page": START_PAGES[Role.EMPLOYER],
        "organisation": membership.organisation,
        "cases": cases,
        "role": Role.EMPLOYER,
        "reminders": _employer_conversation_reminders(cases),
    }
    return render(request, "web/start/employer.html", context)


@require_http_methods(["GET", "POST"])
@require_role(Role.EMPLOYER)
def employer_request(request: HttpRequest) -> HttpResponse:
    """HR asks for Fast track (R-01 to R-05); the engine decides, the form shows why not."""
    membership = require_membership(request, Role.EMPLOYER)
    employer = membership.employer
    assert employer is not None
    questions = question_set(rule_set_for(timezone.localdate()).question_set)
    form = EmployerRequestForm(
        request.POST if request.method == "POST" else None, employer=employer, questions=questions
    )
    if request.method == "POST" and form.is_valid():
        case_and_created = _request_from_form(request, form, employer)
        if case_and_created is not None:
            case, created = case_and_created
            name = case.employee_name_for_employer
            if created:
                messages.success(
                    request,
                    _(
                        "Fast track is requested for %(name)s. %(name)s is told "
                        "and decides whether to say yes."
                    )
                    % {"name": name},
                )
            else:
                messages.info(
                    request,
                    _(
                        "There was already a Fast track case for this absence of %(name)s; "
                        "your request has been added to it."
                    )
                    % {"name": name},
                )
            return redirect("web:case_detail", case.pk)
    context = {
        "form": form,
        "window": request_window(first_absence_day_of(form)) if form.is_bound else None,
        "show_employer_reminder": True,
        "window_url_role": Role.EMPLOYER,
    }
    return render(request, "web/employer/request_form.html", context)


def _request_from_form(
    request: HttpRequest, form: EmployerRequestForm, employer: Employer
) -> tuple[FastTrackCase, bool] | None:
    """Make the request the valid form describes, or put the refusal on the form."""
    data = form.cleaned_data
    try:
        # The search is logged; its answer is alike whatever the register knows.
        employee = employee_for_request(
            actor=request.user,
            employer=employer,
            cpr=data["employee_cpr"],
            name=data.get("employee_name"),
            municipality_code=data.get("employee_municipality_code"),
            request=request,
        )
    except EmployeeDetailsInvalid as error:
        for name, field_errors in error.errors.items():
            for message in field_errors:
                form.add_error(name, message)
        return None
    answers = form.answers()
    try:
        return request_fast_track(
            actor=request.user,
            person=employee.person,
            employer=employer,
            first_absence_day=data["first_absence_day"],
            expects_over_8_weeks=data["expects_over_8_weeks"],
            # The answers are optional: none given is no answers, not blanks.
            answers=answers if any(answers.values()) else None,
            requested_by=Requester.EMPLOYER,
            channel=Channel.WEB,
            nearest_manager=data.get("nearest_manager"),
            employee=employee,
            new_absence=data.get("new_absence", False),
        )
    except NotPermitted:
        form.add_error("employee_cpr", _("You cannot request Fast track for this person."))
    except RuleViolation as error:
        add_rule_error(form, error)
    return None


@require_GET
@require_role(Role.EMPLOYER, Role.EMPLOYEE)
def request_window_partial(request: HttpRequest) -> HttpResponse:
    """The htmx answer to a typed first absence day: the last valid request day (R-03)."""
    membership = require_membership(request, Role.EMPLOYER, Role.EMPLOYEE)
    query = LastValidDayQuery(request.GET)
    requested_by = Requester.EMPLOYER if membership.role == Role.EMPLOYER else Requester.EMPLOYEE
    window = (
        request_window(query.cleaned_data["first_absence_day"], requested_by=requested_by)
        if query.is_valid()
        else None
    )
    context = {"window": window, "show_employer_reminder": membership.role == Role.EMPLOYER}
    return render(request, "web/employer/_request_window.html", context)


@require_GET
@require_role(Role.MANAGER)
def manager_start(request: HttpRequest) -> HttpResponse:
    """The nearest manager's cases, their meetings and the current plans."""
    membership = require_membership(request, Role.MANAGER)
    cases = list(party_cases(request.user))
    # The meetings the manager takes part in (meetings.access).
    meetings = list(
        meetings_for_user(request.user)
        .filter(state=MeetingState.BOOKED, starts_at__gte=timezone.now())
        .select_related("case__absence__person")
        .order_by("starts_at")
    )
    log_cases_shown(
        request.user,
        dict.fromkeys([c.pk for c in cases] + [m.case_id for m in meetings]),
        request=request,
    )
    current = current_plan_versions(cases)
    plans = [(case, current[case.pk]) for case in cases if case.pk in current]
    context = {
        "page": START_PAGES[Role.MANAGER],
        "organisation": membership.organisation,
        "cases": cases,
        "role": Role.MANAGER,
        "meetings": meetings,
        "plans": plans,
        "reminders": _employer_conversation_reminders(cases),
    }
    return render(request, "web/start/manager.html", context)


@require_http_methods(["GET", "POST"])
@require_role(Role.EMPLOYER, Role.MANAGER)
def case_record_employer_conversation(request: HttpRequest, case_id: int) -> HttpResponse:
    """HR (or the nearest manager) records its own sick-absence conversation as held (R-23)."""
    case, _role = get_case_for(
        request.user, case_id, purpose=Purpose.EMPLOYER_FOLLOWUP, request=request
    )
    form = EmployerConversationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            record_employer_conversation(
                case=case,
                actor=request.user,
                held_on=form.cleaned_data["held_on"],
                note=form.cleaned_data["note"],
            )
        except RuleViolation as error:
            add_case_rule_error(form, error, {EmployerConversationOutOfRange: "held_on"})
        else:
            messages.success(request, _("Your sick-absence conversation is recorded as held."))
            return redirect("web:case_detail", case_id=case.pk)
    context = {
        "case": case,
        "form": form,
        "title": _("Your sick-absence conversation"),
        "submit": _("Record the conversation as held"),
        "intro": _(
            "As the employer you hold your own sick-absence conversation with the employee "
            "within 4 weeks of the first day of absence (sygedagpengeloven § 7 a). Record it "
            "here when it is held."
        ),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/case/action.html", context, status=status)


@require_http_methods(["GET", "POST"])
@require_role(Role.EMPLOYER)
def case_nearest_manager(request: HttpRequest, case_id: int) -> HttpResponse:
    """HR chooses or changes the nearest manager, or invites a new one by e-mail."""
    case, _role = get_case_for(
        request.user, case_id, purpose=Purpose.EMPLOYER_FOLLOWUP, request=request
    )
    employer = case.absence.employer
    if employer is None or not can(case.state, Action.SET_NEAREST_MANAGER):
        raise Http404
    form = NearestManagerForm(
        request.POST if request.method == "POST" else None,
        managers=EmployerRequestForm.managers(employer),
        initial={"manager": case.nearest_manager_id},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            if data["manager"] is not None:
                set_nearest_manager(case=case, actor=request.user, manager=data["manager"])
                done = _("%(name)s is now the nearest manager.")
                name = data["manager"].get_full_name() or data["manager"].get_username()
            else:
                _case, invited = invite_nearest_manager(
                    case=case,
                    actor=request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                )
                done = _(
                    "%(name)s is now the nearest manager and gets an e-mail to choose a password."
                )
                name = invited.get_full_name()
        except AccountError as error:
            form.add_error("email", str(error))
        except RuleViolation as error:
            add_case_rule_error(form, error, {NotANearestManager: "manager"})
        else:
            messages.success(request, done % {"name": name})
            return redirect("web:case_detail", case_id=case.pk)
    context = {
        "case": case,
        "form": form,
        # Translators: Danish "Nærmeste leder".
        "title": _("Nearest manager"),
        "submit": _("Save"),
        "intro": _(
            "Choose one of your managers, or invite a new one by e-mail: they get a link to "
            "choose a password, which works once and for 7 days."
        ),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/case/action.html", context, status=status)
