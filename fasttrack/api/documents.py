"""``/cases/{id}/documents`` and their actions: the employee's request for a
fastholdelsesplan (§ 7 b) and the mulighedserklæring (§ 36 a), R-24.

Each party reads them as on the case page (``documents.access``); the actions
are the ones the pages call, so a refusal is the same 403, 409 or 422.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from fasttrack.api.auth import token_of
from fasttrack.api.cases import read_case
from fasttrack.api.idempotency import idempotent
from fasttrack.cases.models import FastTrackCase
from fasttrack.documents import actions
from fasttrack.documents.access import (
    plan_request_content_visible,
    plan_requests_for,
    statements_for,
)
from fasttrack.documents.models import OpportunityStatement, RetentionPlanRequest
from fasttrack.people.models import Role

router = Router(tags=["documents"])


def _d(text: str) -> Any:
    return Field(description=text)


class RetentionPlanRequestOut(Schema):
    id: int = _d("The request's id.")
    state: str = _d("requested, prepared, refused or withdrawn.")
    requested_on: date = _d("When the employee asked (YYYY-MM-DD).")
    answer_due_on: date = _d("The employer answers by then (§ 7 b, the rule set's days).")
    answered_on: date | None = _d("When the employer answered; null until then.")
    bring_to_conversation: bool = _d("The employee brings the plan to the first conversation.")
    message: str | None = _d("The employee's message; null for a reader who may not see it.")
    work_functions: str | None = _d("The plan: work functions and adjustments; null if hidden.")
    working_hours: str | None = _d("The plan: working hours; null if hidden.")
    other_measures: str | None = _d("The plan: other measures; null if hidden.")
    refusal_reason: str | None = _d("Why the employer refused; null if hidden.")


class StatementOut(Schema):
    id: int = _d("The statement's id.")
    state: str = _d("part_one, at_doctor, completed or cancelled.")
    started_on: date = _d("When it was started (YYYY-MM-DD).")
    started_by: str = _d("employer or employee.")
    fee_payer: str = _d("Who pays the doctor: employer, employee or municipality.")
    job_functions: str = _d("Part 1: the job's functions.")
    can_do: str = _d("Part 1: what the employee can do.")
    cannot_do: str = _d("Part 1: what the employee cannot do.")
    agreed_adjustments: str = _d("Part 1: the adjustments agreed.")
    employer_confirmed: bool = _d("The employer side confirmed this version of part 1.")
    employee_confirmed: bool = _d("The employee confirmed this version of part 1.")
    sent_to_doctor_on: date | None = _d("When part 2 went to the doctor; null until then.")
    doctor_due_on: date | None = _d("The doctor's part is due then (§ 36 a, the rule set's days).")
    doctor_assessment: str = _d("Part 2: the doctor's assessment of the functions, no diagnosis.")
    expected_duration: str = _d("Part 2: how long the limits are expected to last.")
    completed_on: date | None = _d("When the doctor completed part 2; null until then.")


class DocumentsOut(Schema):
    retention_plan_requests: list[RetentionPlanRequestOut] = _d(
        "The requests for a fastholdelsesplan (§ 7 b), oldest first."
    )
    opportunity_statements: list[StatementOut] = _d(
        "The mulighedserklæringer (§ 36 a), oldest first."
    )


def _request_out(role: Role, plan_request: RetentionPlanRequest) -> dict[str, Any]:
    shown = plan_request_content_visible(role, plan_request)
    text = {
        name: getattr(plan_request, name) if shown else None
        for name in (
            "message",
            "work_functions",
            "working_hours",
            "other_measures",
            "refusal_reason",
        )
    }
    return {
        "id": plan_request.pk,
        "state": plan_request.state,
        "requested_on": plan_request.requested_on,
        "answer_due_on": plan_request.answer_due_on,
        "answered_on": plan_request.answered_on,
        "bring_to_conversation": plan_request.bring_to_conversation,
        **text,
    }


def _statement_out(statement: OpportunityStatement) -> dict[str, Any]:
    return {
        "id": statement.pk,
        "state": statement.state,
        "started_on": statement.started_on,
        "started_by": statement.started_by_party,
        "fee_payer": statement.fee_payer,
        "job_functions": statement.job_functions,
        "can_do": statement.can_do,
        "cannot_do": statement.cannot_do,
        "agreed_adjustments": statement.agreed_adjustments,
        "employer_confirmed": statement.employer_confirmed_at is not None,
        "employee_confirmed": statement.employee_confirmed_at is not None,
        "sent_to_doctor_on": statement.sent_to_doctor_on,
        "doctor_due_on": statement.doctor_due_on,
        "doctor_assessment": statement.doctor_assessment,
        "expected_duration": statement.expected_duration,
        "completed_on": statement.completed_on,
    }


def _documents(case: FastTrackCase, role: Role, user: Any) -> dict[str, Any]:
    return {
        "retention_plan_requests": [_request_out(role, r) for r in plan_requests_for(role, case)],
        "opportunity_statements": [_statement_out(s) for s in statements_for(role, case, user)],
    }


@router.get(
    "/cases/{case_id}/documents",
    response=DocumentsOut,
    summary="Read the related documents",
    description=(
        "The requests for a fastholdelsesplan (§ 7 b) and the mulighedserklæringer (§ 36 a) "
        "as the user may see them: the jobcentre reads a plan's text only once the employee "
        "brings it to the first conversation; the doctor sees only the statements sent to "
        "the clinic and no § 7 b request. Never any health data (R-18)."
    ),
)
def get_documents(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case, role = read_case(request, case_id)
    return _documents(case, role, token_of(request).user)


class PlanRequestIn(Schema):
    message: str = Field("", max_length=4000, description="To the employer; optional.")


@router.post(
    "/cases/{case_id}/retention-plan-requests",
    response={201: DocumentsOut},
    summary="Ask the employer for a fastholdelsesplan",
    description="The employee only (403 for others); 409 while an earlier request is unanswered.",
)
@idempotent
def post_plan_request(request: HttpRequest, case_id: int, payload: PlanRequestIn) -> Any:
    case, role = read_case(request, case_id)
    user = token_of(request).user
    actions.request_retention_plan(case=case, actor=user, message=payload.message)
    return 201, _documents(case, role, user)


class PlanAnswerIn(Schema):
    prepare: bool = Field(description="true: the plan is made; false: refused with a reason.")
    work_functions: str = Field("", max_length=4000, description="The plan's work and changes.")
    working_hours: str = Field("", max_length=4000, description="The plan's working hours.")
    other_measures: str = Field("", max_length=4000, description="The plan's other measures.")
    refusal_reason: str = Field("", max_length=4000, description="Why the employer refuses.")


@router.post(
    "/cases/{case_id}/retention-plan-requests/{request_id}/answer",
    response=DocumentsOut,
    summary="Answer a request for a fastholdelsesplan",
    description=(
        "HR or the nearest manager makes the plan or refuses with a reason (422 without "
        "one); 409 when it was already answered or withdrawn."
    ),
)
@idempotent
def post_plan_answer(
    request: HttpRequest, case_id: int, request_id: int, payload: PlanAnswerIn
) -> dict[str, Any]:
    case, role = read_case(request, case_id)
    user = token_of(request).user
    plan_request = next((r for r in plan_requests_for(role, case) if r.pk == request_id), None)
    if plan_request is None:
        raise Http404
    if payload.prepare:
        actions.prepare_retention_plan(
            case=case,
            actor=user,
            plan_request=plan_request,
            work_functions=payload.work_functions,
            working_hours=payload.working_hours,
            other_measures=payload.other_measures,
        )
    else:
        actions.refuse_retention_plan(
            case=case, actor=user, plan_request=plan_request, reason=payload.refusal_reason
        )
    return _documents(case, role, user)


class StatementIn(Schema):
    fee_payer: Literal["employer", "employee", "municipality"] | None = Field(
        None, description="Who pays the doctor; by default the party that starts it."
    )


@router.post(
    "/cases/{case_id}/opportunity-statements",
    response={201: DocumentsOut},
    summary="Start a mulighedserklæring",
    description="The employer side or the employee; 409 while another one is open.",
)
@idempotent
def post_statement(request: HttpRequest, case_id: int, payload: StatementIn) -> Any:
    case, role = read_case(request, case_id)
    user = token_of(request).user
    actions.start_opportunity_statement(case=case, actor=user, fee_payer=payload.fee_payer)
    return 201, _documents(case, role, user)


def _statement(case: FastTrackCase, role: Role, user: Any, statement_id: int) -> Any:
    found = next((s for s in statements_for(role, case, user) if s.pk == statement_id), None)
    if found is None:
        raise Http404
    return found


class PartOneIn(Schema):
    job_functions: str = Field(max_length=4000, description="The job's functions.")
    can_do: str = Field(max_length=4000, description="What the employee can do.")
    cannot_do: str = Field(max_length=4000, description="What the employee cannot do.")
    agreed_adjustments: str = Field("", max_length=4000, description="The adjustments agreed.")


@router.put(
    "/cases/{case_id}/opportunity-statements/{statement_id}/part-1",
    response=DocumentsOut,
    summary="Write part 1 of a mulighedserklæring",
    description="The employer side or the employee; a change asks both to confirm again.",
)
@idempotent
def put_part_one(
    request: HttpRequest, case_id: int, statement_id: int, payload: PartOneIn
) -> dict[str, Any]:
    case, role = read_case(request, case_id)
    user = token_of(request).user
    statement = _statement(case, role, user, statement_id)
    actions.save_part_one(case=case, actor=user, statement=statement, **payload.dict())
    return _documents(case, role, user)


@router.post(
    "/cases/{case_id}/opportunity-statements/{statement_id}/confirm",
    response=DocumentsOut,
    summary="Confirm part 1 of a mulighedserklæring",
    description=(
        "Each of the employer side and the employee confirms; the second confirmation sends "
        "part 2 to the employee's own doctor, due within the rule set's days."
    ),
)
@idempotent
def post_confirm(request: HttpRequest, case_id: int, statement_id: int) -> dict[str, Any]:
    case, role = read_case(request, case_id)
    user = token_of(request).user
    statement = _statement(case, role, user, statement_id)
    actions.confirm_part_one(case=case, actor=user, statement=statement)
    return _documents(case, role, user)


class PartTwoIn(Schema):
    doctor_assessment: str = Field(max_length=4000, description="No diagnosis (R-18).")
    expected_duration: str = Field(
        "", max_length=200, description="How long the limits are expected to last."
    )


@router.put(
    "/cases/{case_id}/opportunity-statements/{statement_id}/part-2",
    response=DocumentsOut,
    summary="Write part 2 of a mulighedserklæring",
    description="The doctor of the clinic it was sent to; 404 for a statement not sent there.",
)
@idempotent
def put_part_two(
    request: HttpRequest, case_id: int, statement_id: int, payload: PartTwoIn
) -> dict[str, Any]:
    case, role = read_case(request, case_id)
    user = token_of(request).user
    statement = _statement(case, role, user, statement_id)
    actions.complete_statement(case=case, actor=user, statement=statement, **payload.dict())
    return _documents(case, role, user)
