"""The parties' pages for the related documents (R-24) and comments on the plan (R-20).

Thin like the case page's actions: fetch the case through ``get_case_for``
(404 for anyone who may not see it), parse the form, call the one action in
``fasttrack.documents.actions``, and show a refusal at its field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fasttrack.audit.access import ROLE_PURPOSE
from fasttrack.cases.access import get_case_for
from fasttrack.cases.errors import RuleViolation, localized_message
from fasttrack.cases.models import FastTrackCase
from fasttrack.documents import actions, guards
from fasttrack.documents.access import statements_for
from fasttrack.documents.models import OpportunityStatement, RetentionPlanRequest
from fasttrack.documents.states import DocumentAction
from fasttrack.formats.dates import as_date
from fasttrack.people.models import EMPLOYER_ROLES, JOBCENTRE_ROLES, Role, membership_of
from fasttrack.plans.models import PlanVersion
from fasttrack.web.access import require_role
from fasttrack.web.document_forms import (
    PartOneForm,
    PartTwoForm,
    PlanCommentForm,
    ReasonForm,
    RetentionPlanAnswerForm,
    RetentionPlanRequestForm,
    StartStatementForm,
)
from fasttrack.web.party_forms import add_rule_error

_EMPLOYEE = (Role.EMPLOYEE,)
_EMPLOYER = tuple(EMPLOYER_ROLES)
_PARTIES = (Role.EMPLOYEE, *EMPLOYER_ROLES)


def _case(
    request: HttpRequest, case_id: int, roles: tuple[Role, ...]
) -> tuple[FastTrackCase, Role]:
    membership = membership_of(request.user)
    if membership is None or membership.role not in roles:
        raise Http404
    case, role = get_case_for(
        request.user, case_id, purpose=ROLE_PURPOSE[Role(membership.role)], request=request
    )
    return case, role


def _bound(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _page(
    request: HttpRequest,
    case: FastTrackCase,
    form: Any,
    *,
    title: str | Promise,
    submit: str | Promise,
    intro: str | Promise = "",
    **extra: Any,
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    context = {"case": case, "form": form, "title": title, "submit": submit, "intro": intro}
    return render(request, "web/case/action.html", context | extra, status=status)


def _try(form: Any, call: Callable[[], Any]) -> bool:
    try:
        call()
    except RuleViolation as error:
        add_rule_error(form, error)
        return False
    return True


def _refused(request: HttpRequest, case: FastTrackCase, refusal: RuleViolation) -> HttpResponse:
    """Back to the case with why the action is not possible now (R-35): a stale
    page or link, or a document already open, meets no form that can only be refused."""
    messages.error(request, localized_message(refusal))
    return redirect("web:case_detail", case_id=case.pk)


def _to_case(request: HttpRequest, case: FastTrackCase, message: str, anchor: str) -> HttpResponse:
    messages.success(request, message)
    response = redirect("web:case_detail", case_id=case.pk)
    response["Location"] += f"#{anchor}"
    return response


# --- the fastholdelsesplan, § 7 b ----------------------------------------------------


@require_role(*_EMPLOYEE)
def request_retention_plan(request: HttpRequest, case_id: int) -> HttpResponse:
    case, _role = _case(request, case_id, _EMPLOYEE)
    if (refusal := guards.refusal_to_request_plan(case)) is not None:
        return _refused(request, case, refusal)
    form = RetentionPlanRequestForm(_bound(request))
    if form.is_bound and form.is_valid():
        call = lambda: actions.request_retention_plan(  # noqa: E731
            case=case, actor=request.user, message=form.cleaned_data["message"]
        )
        if _try(form, call):
            return _to_case(
                request,
                case,
                _("Your employer has been asked for a fastholdelsesplan."),
                "documents",
            )
    return _page(
        request,
        case,
        form,
        # Translators: Danish "Bed om en fastholdelsesplan".
        title=_("Ask your employer for a fastholdelsesplan"),
        submit=_("Send the request"),
        intro=_(
            "Under sygedagpengeloven § 7 b you may ask your employer for a plan for how you can "
            "stay in your job. Your employer answers within the deadline shown on the case; it "
            "may refuse, with a reason. Bring the plan to the first conversation at the jobcentre."
        ),
    )


@require_role(*_EMPLOYER)
def answer_retention_plan(request: HttpRequest, case_id: int, request_id: int) -> HttpResponse:
    case, _role = _case(request, case_id, _EMPLOYER)
    plan_request = get_object_or_404(RetentionPlanRequest, pk=request_id, case=case)
    refusal = guards.refusal_for_plan_request(case, plan_request, DocumentAction.PREPARE)
    if refusal is not None:
        return _refused(request, case, refusal)
    form = RetentionPlanAnswerForm(_bound(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["decision"] == RetentionPlanAnswerForm.PREPARE:
            call = lambda: actions.prepare_retention_plan(  # noqa: E731
                case=case,
                actor=request.user,
                plan_request=plan_request,
                work_functions=data["work_functions"],
                working_hours=data["working_hours"],
                other_measures=data["other_measures"],
            )
            done = _("The fastholdelsesplan is saved and the employee is told.")
        else:
            call = lambda: actions.refuse_retention_plan(  # noqa: E731
                case=case,
                actor=request.user,
                plan_request=plan_request,
                reason=data["refusal_reason"],
            )
            done = _("The refusal is saved and the employee is told the reason.")
        if _try(form, call):
            return _to_case(request, case, done, "documents")
    return _page(
        request,
        case,
        form,
        title=_("Answer the request for a fastholdelsesplan"),
        submit=_("Save the answer"),
        intro=_(
            "Make the plan together with the employee, or refuse with a reason the employee is "
            "told. Answer by %(due)s."
        )
        % {"due": as_date(plan_request.answer_due_on)},
        plan_request=plan_request,
    )


@require_role(*_EMPLOYEE)
@require_POST
def retention_plan_step(
    request: HttpRequest, case_id: int, request_id: int, step: str
) -> HttpResponse:
    """The employee withdraws the request, or brings the plan to the first conversation."""
    case, _role = _case(request, case_id, _EMPLOYEE)
    plan_request = get_object_or_404(RetentionPlanRequest, pk=request_id, case=case)
    steps = {
        "traek-tilbage": (actions.withdraw_retention_plan_request, _("The request is withdrawn.")),
        "medbring": (
            actions.bring_retention_plan,
            _("The jobcentre can now read the plan before the first conversation."),
        ),
    }
    if step not in steps:
        raise Http404
    action, done = steps[step]
    try:
        action(case=case, actor=request.user, plan_request=plan_request)
    except RuleViolation as error:
        messages.error(request, localized_message(error))
        return redirect("web:case_detail", case_id=case.pk)
    return _to_case(request, case, done, "documents")


# --- the mulighedserklæring, § 36 a ----------------------------------------------------


@require_role(*_PARTIES)
def start_statement(request: HttpRequest, case_id: int) -> HttpResponse:
    case, role = _case(request, case_id, _PARTIES)
    if (refusal := guards.refusal_to_start_statement(case)) is not None:
        return _refused(request, case, refusal)
    initial = {"fee_payer": "employee" if role == Role.EMPLOYEE else "employer"}
    form = StartStatementForm(_bound(request), initial=initial)
    if form.is_bound and form.is_valid():
        holder: dict[str, OpportunityStatement] = {}

        def call() -> None:
            holder["statement"] = actions.start_opportunity_statement(
                case=case, actor=request.user, fee_payer=form.cleaned_data["fee_payer"]
            )

        if _try(form, call):
            messages.success(
                request, _("The mulighedserklæring is started. Fill in part 1 together.")
            )
            return redirect(
                "web:statement_part_one", case_id=case.pk, statement_id=holder["statement"].pk
            )
    return _page(
        request,
        case,
        form,
        # Translators: Danish "Start en mulighedserklæring".
        title=_("Start a mulighedserklæring"),
        submit=_("Start"),
        intro=_(
            "Part 1 is filled in by the employer and the employee together: the job's functions, "
            "what the employee can and cannot do, and the adjustments you agree. When both have "
            "confirmed part 1, it goes to the employee's own doctor for part 2."
        ),
    )


@require_role(*_PARTIES)
def statement_part_one(request: HttpRequest, case_id: int, statement_id: int) -> HttpResponse:
    case, _role = _case(request, case_id, _PARTIES)
    statement = get_object_or_404(OpportunityStatement, pk=statement_id, case=case)
    refusal = guards.refusal_for_statement(case, statement, DocumentAction.SAVE_PART_ONE)
    if refusal is not None:
        return _refused(request, case, refusal)
    initial = {name: getattr(statement, name) for name in PartOneForm.base_fields}
    form = PartOneForm(_bound(request), initial=initial)
    if form.is_bound and form.is_valid():
        call = lambda: actions.save_part_one(  # noqa: E731
            case=case, actor=request.user, statement=statement, **form.cleaned_data
        )
        if _try(form, call):
            return _to_case(
                request,
                case,
                _("Part 1 is saved. Both parties confirm it on the case."),
                "statements",
            )
    return _page(
        request,
        case,
        form,
        title=_("Mulighedserklæring, part 1"),
        submit=_("Save part 1"),
        intro=_("A change asks both parties to confirm part 1 again."),
    )


@require_role(*_PARTIES)
@require_POST
def statement_confirm(request: HttpRequest, case_id: int, statement_id: int) -> HttpResponse:
    case, _role = _case(request, case_id, _PARTIES)
    statement = get_object_or_404(OpportunityStatement, pk=statement_id, case=case)
    try:
        statement = actions.confirm_part_one(case=case, actor=request.user, statement=statement)
    except RuleViolation as error:
        messages.error(request, localized_message(error))
        return redirect("web:case_detail", case_id=case.pk)
    done = (
        _("Part 1 is confirmed by both parties and sent to the doctor.")
        if statement.state == "at_doctor"
        else _("You have confirmed part 1.")
    )
    return _to_case(request, case, done, "statements")


@require_role(*_PARTIES)
def statement_cancel(request: HttpRequest, case_id: int, statement_id: int) -> HttpResponse:
    case, _role = _case(request, case_id, _PARTIES)
    statement = get_object_or_404(OpportunityStatement, pk=statement_id, case=case)
    refusal = guards.refusal_for_statement(case, statement, DocumentAction.CANCEL)
    if refusal is not None:
        return _refused(request, case, refusal)
    form = ReasonForm(_bound(request))
    if form.is_bound and form.is_valid():
        call = lambda: actions.cancel_statement(  # noqa: E731
            case=case, actor=request.user, statement=statement, reason=form.cleaned_data["reason"]
        )
        if _try(form, call):
            return _to_case(request, case, _("The mulighedserklæring is cancelled."), "statements")
    return _page(
        request,
        case,
        form,
        title=_("Cancel the mulighedserklæring"),
        submit=_("Cancel the mulighedserklæring"),
        intro=_("Every party is told, with your reason."),
    )


@require_role(Role.DOCTOR)
def statement_part_two(request: HttpRequest, case_id: int, statement_id: int) -> HttpResponse:
    case, role = _case(request, case_id, (Role.DOCTOR,))
    statement = next(
        (s for s in statements_for(role, case, request.user) if s.pk == statement_id), None
    )
    if statement is None:
        raise Http404
    refusal = guards.refusal_for_statement(case, statement, DocumentAction.COMPLETE)
    if refusal is not None:
        return _refused(request, case, refusal)
    form = PartTwoForm(_bound(request))
    if form.is_bound and form.is_valid():
        call = lambda: actions.complete_statement(  # noqa: E731
            case=case, actor=request.user, statement=statement, **form.cleaned_data
        )
        if _try(form, call):
            return _to_case(
                request, case, _("Part 2 is saved and the parties are told."), "statements"
            )
    return _page(
        request,
        case,
        form,
        title=_("Mulighedserklæring, part 2"),
        submit=_("Save part 2"),
        intro=_(
            "Assess the functions the employer and the employee described in part 1. The "
            "employer reads part 2: write no diagnosis."
        ),
        statement=statement,
    )


# --- comments on the plan (R-20) ------------------------------------------------------------


@require_role(*_PARTIES, *JOBCENTRE_ROLES)
def comment_plan(request: HttpRequest, case_id: int, version_id: int) -> HttpResponse:
    case, _role = _case(request, case_id, (*_PARTIES, *JOBCENTRE_ROLES))
    version = get_object_or_404(PlanVersion, pk=version_id, plan__case=case)
    form = PlanCommentForm(_bound(request))
    if form.is_bound and form.is_valid():
        call = lambda: actions.comment_plan(  # noqa: E731
            case=case, actor=request.user, version=version, text=form.cleaned_data["text"]
        )
        if _try(form, call):
            return _to_case(request, case, _("Your comment is saved."), "plan")
    return _page(
        request,
        case,
        form,
        title=_("Comment on version %(number)s of the plan") % {"number": version.number},
        submit=_("Save the comment"),
        intro=_("The caseworker reads your comment before the next version of the plan."),
    )
