"""``/cases/{id}/plan``: the retention plan's current version (R-20, R-22).

Every party but the doctor reads it, as on the case page: the employer and
the employee each confirm a version, so both must see it. Only the caseworker
writes, and each write is a new version.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from pydantic import BaseModel

from fasttrack.api.cases import acting_as, read_case
from fasttrack.api.idempotency import idempotent
from fasttrack.api.problems import InvalidInput
from fasttrack.cases import actions
from fasttrack.cases.queries import current_plan_version
from fasttrack.lib.validation import PLAN_SUMMARY_LENGTH
from fasttrack.people.models import Role
from fasttrack.plans.models import MeasureKind, PlanVersion

router = Router(tags=["plan"])

MeasureKindName = Literal[
    "adjusted_functions", "partial_return", "treatment", "retraining", "aids", "other"
]
_KINDS = ", ".join(MeasureKind.values)


class MeasureIn(BaseModel):
    # A plain pydantic model, as AnswersIn: a list item must be an object.
    kind: MeasureKindName = Field(description=f"The kind of measure: {_KINDS}.", examples=["aids"])
    description: str = Field(
        "", max_length=500, description="What is done.", examples=["A height-adjustable desk."]
    )
    owner: str = Field(
        "", max_length=200, description="Who is responsible for it.", examples=["Employer"]
    )
    due_on: date | None = Field(
        None, description="By when (YYYY-MM-DD); null if open.", examples=["2026-12-15"]
    )


class MeasureOut(Schema):
    kind: str = Field(description=f"The kind of measure: {_KINDS}.", examples=["aids"])
    description: str = Field(description="What is done.", examples=["A height-adjustable desk."])
    owner: str = Field(description="Who is responsible for it.", examples=["Employer"])
    due_on: date | None = Field(
        description="By when (YYYY-MM-DD); null if open.", examples=["2026-12-15"]
    )


class PlanIn(Schema):
    summary: str = Field(
        min_length=1,
        max_length=PLAN_SUMMARY_LENGTH,
        description="The plan in a few sentences.",
        examples=["Back on 20 hours a week with lighter tasks; full time by February."],
    )
    measures: list[MeasureIn] = Field(
        [],
        max_length=20,
        description="The measures, each with an owner and a date (R-20).",
    )
    partial_leave_hours_per_week: Decimal | None = Field(
        None,
        ge=0,
        le=168,
        max_digits=4,
        decimal_places=1,
        description=(
            "Partial sick leave: hours of absence a week, at least 4 (R-22); null when the "
            "employee is fully absent."
        ),
        examples=[17.5],
    )
    evaluate_on: date | None = Field(
        None, description="When the plan is evaluated (YYYY-MM-DD).", examples=["2027-01-15"]
    )


class PlanOut(Schema):
    version: int = Field(description="The version's number, from 1.", examples=[2])
    summary: str = Field(
        description="The plan in a few sentences.",
        examples=["Back on 20 hours a week with lighter tasks; full time by February."],
    )
    measures: list[MeasureOut] = Field(description="The measures (R-20).")
    partial_leave_hours_per_week: float | None = Field(
        description="Hours of absence a week on partial sick leave; null when fully absent.",
        examples=[17.5],
    )
    evaluate_on: date | None = Field(
        description="When the plan is evaluated; null if not set.", examples=["2027-01-15"]
    )
    created_at: datetime = Field(
        description="When this version was written (ISO 8601 with offset).",
        examples=["2026-11-27T11:30:00+01:00"],
    )
    employer_confirmed_at: datetime | None = Field(
        description="When the employer confirmed this version; null until then.", examples=[None]
    )
    employee_confirmed_at: datetime | None = Field(
        description="When the employee confirmed this version; null until then.",
        examples=[None],
    )


def _plan_out(version: PlanVersion) -> dict[str, Any]:
    hours = version.partial_leave_hours_per_week
    return {
        "version": version.number,
        "summary": version.summary,
        "measures": version.measures,
        "partial_leave_hours_per_week": None if hours is None else float(hours),
        "evaluate_on": version.evaluate_on,
        "created_at": version.created_at,
        "employer_confirmed_at": version.employer_confirmed_at,
        "employee_confirmed_at": version.employee_confirmed_at,
    }


@router.get(
    "/cases/{case_id}/plan",
    response=PlanOut,
    summary="Read the retention plan",
    description=(
        "The plan's current version, for the employer, the nearest manager, the employee "
        "and the jobcentre. 404 while there is no plan, for the doctor (who works from the "
        "certificate request) and for anyone who is not a party. The read is logged (R-25)."
    ),
)
def get_plan(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case, role = read_case(request, case_id)
    version = None if role == Role.DOCTOR else current_plan_version(case)
    if version is None:
        raise Http404
    return _plan_out(version)


@router.put(
    "/cases/{case_id}/plan",
    response=PlanOut,
    summary="Write a new version of the retention plan",
    description=(
        "The caseworker writes the plan (R-20); each write is a new version, and earlier "
        "versions and the parties' confirmations stay. 200 with the new version; 422 for "
        "too few hours of partial sick leave (`rule_id` R-22), a date before the first "
        "absence day (R-33, on `evaluate_on` or `measures.N.due_on`) or an unknown kind of "
        "measure; 409 when the case's state does not allow a plan; 403 for the other "
        "parties."
    ),
)
@idempotent
def put_plan(request: HttpRequest, case_id: int, payload: PlanIn) -> dict[str, Any]:
    user, case = acting_as(request, case_id, Role.CASEWORKER)
    summary = payload.summary.strip()
    if not summary:
        raise InvalidInput({"summary": [_("Write what the plan is.")]})
    version = actions.record_plan(
        case=case,
        actor=user,
        summary=summary,
        measures=[measure.model_dump() for measure in payload.measures],
        partial_leave_hours_per_week=payload.partial_leave_hours_per_week,
        evaluate_on=payload.evaluate_on,
    )
    return _plan_out(version)
