"""The jobcentre's own pages: the worklist, a request registered on a citizen's
behalf, and the jobcentre manager's overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from fasttrack.audit.access import log_access
from fasttrack.audit.models import AccessAction, Purpose
from fasttrack.cases import actions
from fasttrack.cases.access import log_cases_shown
from fasttrack.cases.errors import (
    AnswersRequired,
    NotPermitted,
    RuleViolation,
)
from fasttrack.cases.guards import can_take
from fasttrack.cases.models import FastTrackCase, Requester
from fasttrack.cases.queries import (
    NO_DEADLINE,
    Assignee,
    WorkView,
    all_cases,
    apply_view,
    caseworker_loads,
    count_views,
    work_cases,
    work_figures,
)
from fasttrack.formats.dates import as_date
from fasttrack.lib.rules import question_set, rule_set_for
from fasttrack.people.models import Employment, Person, Role
from fasttrack.reports.figures import cases_behind, figure_name
from fasttrack.reports.periods import Period
from fasttrack.web.access import require_membership, require_role
from fasttrack.web.case_forms import add_rule_error
from fasttrack.web.jobcentre_forms import (
    RegisterRequestForm,
    WorklistFilterForm,
    WorklistSearchForm,
)
from fasttrack.web.start_pages import START_PAGES
from fasttrack.web.templatetags.fasttrack_case import UrgencyMark, urgency_of


@dataclass(frozen=True)
class WorklistRow:
    case: FastTrackCase
    urgency: UrgencyMark
    can_take: bool


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


# A caseworker opens on her own cases; the manager, who takes none, on all of them.
_DEFAULT_ASSIGNEE = {Role.CASEWORKER: Assignee.MINE, Role.JOBCENTRE_MANAGER: Assignee.ALL}


@require_role(Role.CASEWORKER, Role.JOBCENTRE_MANAGER)
def worklist(request: HttpRequest) -> HttpResponse:
    """The municipality's cases by next deadline: the caseworker's own by default, the
    queue one click away, with filters in the address and a search.

    Filters come by GET (no personal data), so the manager's figures link to
    the very view they count. The search comes by POST so that a CPR number
    never appears in an address (R-29); the POST answers with the result page
    directly instead of redirecting, because a redirect would have to carry the
    criterion in the address or keep it in the session.
    """
    membership = require_membership(request, Role.CASEWORKER, Role.JOBCENTRE_MANAGER)
    role = Role(membership.role)
    today = timezone.localdate()
    params = request.POST if request.method == "POST" else request.GET
    # A search looks through all the municipality's cases unless a view is chosen.
    default = Assignee.ALL if request.method == "POST" else _DEFAULT_ASSIGNEE[role]
    filters = WorklistFilterForm(
        params,
        user=request.user,
        default_assignee=default,
        has_own_cases=role == Role.CASEWORKER,
    )
    view = filters.view()
    search = WorklistSearchForm(request.POST if request.method == "POST" else None)
    cases = apply_view(_base_cases(request.user, view, today), view, user=request.user, today=today)
    if request.method == "POST":
        cases = _searched(request, cases, search)
    rows = [
        WorklistRow(
            case,
            # ``is_overdue`` is the annotation of ``work_cases``.
            urgency_of(case.next_deadline_on, overdue=case.is_overdue, today=today),  # type: ignore[attr-defined]
            role == Role.CASEWORKER and can_take(case, request.user),
        )
        for case in cases
    ]
    log_cases_shown(request.user, [row.case for row in rows], request=request)
    context = {
        "page": START_PAGES[role],
        "organisation": membership.organisation,
        "filters": filters,
        "view": view,
        "tabs": _tabs(request.user, role, view, today),
        "search": search,
        "searched": request.method == "POST" and bool(search.data.get("q", "").strip()),
        "rows": rows,
        "today": today,
        "is_caseworker": role == Role.CASEWORKER,
        "figure": _figure_label(view),
    }
    template = (
        "web/jobcentre/_worklist_results.html"
        # django-htmx sets request.htmx; a swap needs only the result table.
        if getattr(request, "htmx", False)
        else "web/jobcentre/worklist.html"
    )
    return render(request, template, context)


def _figure_period(view: WorkView) -> Period:
    return Period(date.fromisoformat(view.start), date.fromisoformat(view.end))


def _base_cases(user: Any, view: WorkView, today: date) -> QuerySet[FastTrackCase]:
    """The cases with work left; or, for a statistic, every case it counts, finished
    ones too, so that the list matches the figure the manager selected."""
    if not view.figure:
        return work_cases(user, today)
    return cases_behind(all_cases(user, today), view.figure, _figure_period(view), today)


def _figure_label(view: WorkView) -> str:
    if not view.figure:
        return ""
    period = _figure_period(view)
    return gettext_now("The cases behind a statistic (%(figure)s), %(start)s to %(end)s") % {
        "figure": figure_name(view.figure),
        "start": as_date(period.start),
        "end": as_date(period.end),
    }


@dataclass(frozen=True)
class Tab:
    label: str
    view: WorkView
    count: int
    current: bool


def _tabs(user: Any, role: Role, view: WorkView, today: date) -> list[Tab]:
    """My cases, the queue and all cases, each with its count, one click apart."""
    choices = [(Assignee.QUEUE, _("The queue")), (Assignee.ALL, _("All cases"))]
    if role == Role.CASEWORKER:
        choices.insert(0, (Assignee.MINE, _("My cases")))
    views = [WorkView(assignee=assignee) for assignee, _label in choices]
    counts = count_views(user, views, today)
    return [
        Tab(str(label), tab_view, count, current=view.assignee == assignee)
        for (assignee, label), tab_view, count in zip(choices, views, counts, strict=True)
    ]


_REQUEST_ERROR_FIELDS: dict[type[RuleViolation], str | list[str]] = {
    # The rules name their own fields (first_absence_day, expects_over_8_weeks);
    # only a citizen of the caseworker's own municipality can be registered.
    NotPermitted: "cpr",
}


@require_role(Role.CASEWORKER)
def register_request(request: HttpRequest) -> HttpResponse:
    """Register a Fast track request for a citizen who phoned, wrote or came by (R-02)."""
    questions = question_set(rule_set_for(timezone.localdate()).question_set)
    language = "en" if (get_language() or "da").startswith("en") else "da"
    form = RegisterRequestForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        request=request,
        questions={key: q.text(language) for key, q in questions.questions.items()},  # type: ignore[arg-type]
    )
    if form.is_bound and form.is_valid():
        try:
            with transaction.atomic():
                kwargs = form.request_kwargs()
                if form.new_employment:
                    # Confirmed by the caseworker on the citizen's word.
                    Employment.objects.get_or_create(
                        person=kwargs["person"], employer=kwargs["employer"]
                    )
                case, created = actions.request_fast_track(
                    actor=request.user, requested_by=Requester.CASEWORKER, **kwargs
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
    view: WorkView


@require_role(Role.JOBCENTRE_MANAGER)
def jobcentre_overview(request: HttpRequest) -> HttpResponse:
    """The jobcentre's figures, each counted as the worklist counts it and linked to it."""
    membership = require_membership(request, Role.JOBCENTRE_MANAGER)
    today = timezone.localdate()
    stages = [
        StageRow(
            row["state"],
            row["next_deadline_key"],
            row["count"],
            WorkView(state=row["state"], deadline=row["next_deadline_key"] or NO_DEADLINE),
        )
        for row in work_cases(request.user, today)
        .order_by()
        .values("state", "next_deadline_key")
        .annotate(count=Count("pk"))
        .order_by("state", "next_deadline_key")
    ]
    context = {
        "page": START_PAGES[Role.JOBCENTRE_MANAGER],
        "organisation": membership.organisation,
        "figures": work_figures(request.user, today),
        "loads": caseworker_loads(request.user, today),
        "stages": stages,
        "open_total": sum(row.count for row in stages),
        "today": today,
    }
    return render(request, "web/jobcentre/overview.html", context)
