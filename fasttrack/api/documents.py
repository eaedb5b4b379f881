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

from fasttrack.api.cases import read_case
from fasttrack.api.idempotency import idempotent
from fasttrack.api.auth import token_of
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


class RetentionPlanRequestOut(Schema):
    id: int
    state: str = Field(description="requested, prepared, refused or withdrawn.")
    requested_on: date
    answer_due_on: date = Field(description="The employer answers by then (§ 7 b).")
    answered_on: date | None
    bring_to_conversation: bool = Field(
        description="The employee brings the plan to the first conversation."
    )
    message: str | None = Field(description="null for a reader who may not see the text.")
    work_functions: str | None
    working_hours: str | None
    other_measures: str | None
    refusal_reason: str | None


class StatementOut(Schema):
    id: int
    state: str = Field(description="part_one, at_doctor, completed or cancelled.")
    started_on: date
    started_by: str = Field(description="employer or employee.")
    fee_payer: str = Field(description="Who pays the doctor: employer, employee, municipality.")
    job_functions: str
    can_do: str
    cannot_do: str
    agreed_adjustments: str
    employer_confirmed: bool
    employee_confirmed: bool
    sent_to_doctor_on: date | None
    doctor_due_on: date | None
    doctor_assessment: str = Field(description="Part 2: the functions only, never a diagnosis.")
    expected_duration: str
    completed_on: date | None


class DocumentsOut(Schema):
    retention_plan_requests: list[RetentionPlanRequestOut]
    opportunity_statements: list[StatementOut]


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
    work_functions: str = Field("", max_length=4000)
    working_hours: str = Field("", max_length=4000)
    other_measures: str = Field("", max_length=4000)
    refusal_reason: str = Field("", max_length=4000)


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
    job_functions: str = Field(max_length=4000)
    can_do: str = Field(max_length=4000)
    cannot_do: str = Field(max_length=4000)
    agreed_adjustments: str = Field("", max_length=4000)


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
    expected_duration: str = Field("", max_length=200)


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
