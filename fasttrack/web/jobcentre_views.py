"""The jobcentre's own pages: the worklist, a request registered on a citizen's
behalf, and the jobcentre manager's overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fasttrack.audit.access import log_access
from fasttrack.audit.models import AccessAction, Purpose
from fasttrack.cases import actions
from fasttrack.cases.access import cases_for
from fasttrack.cases.batch import RULE_ERROR_FIELDS
from fasttrack.cases.clock import INFORMATIONAL_KEYS
from fasttrack.cases.errors import (
    AnswersRequired,
    NotPermitted,
    RuleViolation,
)
from fasttrack.cases.models import CaseDeadline, DeadlineStatus, FastTrackCase, Requester
from fasttrack.cases.states import OPEN_STATES
from fasttrack.people.models import Person, Role
from fasttrack.web.access import require_membership, require_role
from fasttrack.web.case_forms import add_rule_error
from fasttrack.web.jobcentre_forms import (
    MINE,
    RegisterRequestForm,
    WorklistFilterForm,
    WorklistSearchForm,
)
from fasttrack.web.start_pages import START_PAGES
from fasttrack.web.templatetags.fasttrack_case import UrgencyMark, urgency_of


def _overdue(today: date) -> Exists:
    """A milestone that is past its date and not reached: pending past due (the
    sweep has not run yet) or missed and still not done."""
    late = CaseDeadline.objects.filter(case=OuterRef("pk")).exclude(key__in=INFORMATIONAL_KEYS)
    return Exists(
        late.filter(
            Q(status=DeadlineStatus.PENDING, due_on__lt=today)
            | Q(status=DeadlineStatus.MISSED, met_on__isnull=True)
        )
    )


def work_cases(user: Any, today: date) -> QuerySet[FastTrackCase]:
    """The municipality's cases with work left, most urgent first.

    Open cases, and declined ones while the normal track's first conversation
    is still pending (R-13): the jobcentre holds that one too.
    """
    return (
        cases_for(user)
        .filter(Q(state__in=OPEN_STATES) | Q(next_deadline_on__isnull=False))
        .select_related("absence__person", "absence__employer", "caseworker")
        .annotate(is_overdue=_overdue(today))
    )


@dataclass(frozen=True)
class WorklistRow:
    case: FastTrackCase
    urgency: UrgencyMark


def _filtered(
    cases: QuerySet[FastTrackCase], form: WorklistFilterForm, user: Any, today: date
) -> QuerySet[FastTrackCase]:
    if not form.is_valid():
        return cases
    data = form.cleaned_data
    if data["state"]:
        cases = cases.filter(state=data["state"])
    if data["deadline"]:
        cases = cases.filter(next_deadline_key=data["deadline"])
    if data["assigned"] == MINE:
        cases = cases.filter(caseworker=user)
    if data["overdue"]:
        cases = cases.filter(_overdue(today))
    return cases


def _searched(
    request: HttpRequest, cases: QuerySet[FastTrackCase], form: WorklistSearchForm
) -> QuerySet[FastTrackCase]:
    if not form.is_valid() or not form.cleaned_data["q"].strip():
        return cases
    criterion = form.cleaned_data["q"].strip()
    # Every search of personal data is logged with its criterion; the audit
    # layer masks a CPR number before it is stored.
    log_access(
        user=request.user,
        action=AccessAction.SEARCH,
        purpose=Purpose.CASE_WORK,
        criterion=criterion,
        request=request,
    )
    if (cpr := form.cpr()) is not None:
        # Found through the keyed hash: the CPR is stored only encrypted.
        return cases.filter(absence__person__in=Person.objects.with_cpr(cpr))
    return cases.filter(absence__person__name__icontains=criterion)


@require_role(Role.CASEWORKER)
def worklist(request: HttpRequest) -> HttpResponse:
    """The municipality's cases by next deadline, with filters and a search.

    Filters come by GET (no personal data). The search comes by POST so that
    a CPR number never appears in an address (R-29); the POST answers with the
    result page directly instead of redirecting, because a redirect would have
    to carry the criterion in the address or keep it in the session.
    """
    membership = require_membership(request, Role.CASEWORKER)
    today = timezone.localdate()
    params = request.POST if request.method == "POST" else request.GET
    filters = WorklistFilterForm(params)
    search = WorklistSearchForm(request.POST if request.method == "POST" else None)
    cases = _filtered(work_cases(request.user, today), filters, request.user, today)
    if request.method == "POST":
        cases = _searched(request, cases, search)
    # ``is_overdue`` is the annotation of ``work_cases``.
    rows = [
        WorklistRow(
            case,
            urgency_of(case.next_deadline_on, overdue=case.is_overdue, today=today),  # type: ignore[attr-defined]
        )
        for case in cases
    ]
    context = {
        "page": START_PAGES[Role.CASEWORKER],
        "organisation": membership.organisation,
        "filters": filters,
        "search": search,
        "searched": request.method == "POST" and bool(search.data.get("q", "").strip()),
        "rows": rows,
        "today": today,
    }
    template = (
        "web/jobcentre/_worklist_results.html"
        # django-htmx sets request.htmx; a swap needs only the result table.
        if getattr(request, "htmx", False)
        else "web/jobcentre/worklist.html"
    )
    return render(request, template, context)


_REQUEST_ERROR_FIELDS: dict[type[RuleViolation], str | list[str]] = {
    **RULE_ERROR_FIELDS,
    # Only a citizen of the caseworker's own municipality can be registered.
    NotPermitted: "cpr",
}


@require_role(Role.CASEWORKER)
def register_request(request: HttpRequest) -> HttpResponse:
    """Register a Fast track request for a citizen who phoned, wrote or came by (R-02)."""
    form = RegisterRequestForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            case, created = actions.request_fast_track(
                actor=request.user, requested_by=Requester.CASEWORKER, **form.request_kwargs()
            )
        except AnswersRequired as error:
            # The employee's own request carries their answers.
            missing = [key for key, text in form.answers().items() if not text.strip()]
            add_rule_error(form, error, {AnswersRequired: missing})
        except RuleViolation as error:
            add_rule_error(form, error, _REQUEST_ERROR_FIELDS)
        else:
            if created:
                messages.success(request, _("The request is registered."))
            else:
                # One case per absence: the request joined it.
                messages.info(request, _("There already was a case for this absence; see it here."))
            return redirect("web:case_detail", case_id=case.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/jobcentre/register_request.html", {"form": form}, status=status)


@dataclass(frozen=True)
class StageRow:
    state: str
    milestone: str
    count: int


@require_role(Role.JOBCENTRE_MANAGER)
def jobcentre_overview(request: HttpRequest) -> HttpResponse:
    """Open cases by stage and the deadlines missed this month (statistics come later)."""
    membership = require_membership(request, Role.JOBCENTRE_MANAGER)
    today = timezone.localdate()
    stages = [
        StageRow(row["state"], row["next_deadline_key"], row["count"])
        for row in work_cases(request.user, today)
        .order_by()
        .values("state", "next_deadline_key")
        .annotate(count=Count("pk"))
        .order_by("state", "next_deadline_key")
    ]
    month_start = today.replace(day=1)
    missed = list(
        CaseDeadline.objects.filter(
            case__in=cases_for(request.user).order_by(),
            status=DeadlineStatus.MISSED,
            due_on__gte=month_start,
            due_on__lte=today,
        )
        .select_related("case__absence__person")
        .order_by("due_on", "case_id")
    )
    context = {
        "page": START_PAGES[Role.JOBCENTRE_MANAGER],
        "organisation": membership.organisation,
        "stages": stages,
        "open_total": sum(row.count for row in stages),
        "missed": missed,
        "month_start": month_start,
        "today": today,
    }
    return render(request, "web/jobcentre/overview.html", context)
