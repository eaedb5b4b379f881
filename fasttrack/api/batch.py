"""``/cases/batch``: many Fast track requests at once, for payroll and HR systems.

Every request is made on its own through the shared batch core
(``fasttrack.cases.batch``), so one invalid request neither refuses nor undoes
the others: the answer is 200 with one result per request. The items are read
one by one against the single request's schema (``CaseRequestIn``) rather than
by the body's schema, because one item of the wrong type would otherwise refuse
the whole batch with 422.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view
from pydantic import ValidationError as PydanticValidationError

from fasttrack.api.auth import token_of
from fasttrack.api.cases import CaseRequestIn, CaseSummaryOut, case_summary
from fasttrack.api.idempotency import idempotent
from fasttrack.api.problems import InvalidInput, problem_response, validation_errors
from fasttrack.cases import batch
from fasttrack.cases.models import Channel
from fasttrack.people.models import Employer, Role, membership_of

router = Router(tags=["cases"])


class BatchIn(Schema):
    # Objects, not CaseRequestIn: each item is read on its own below, so that
    # one item with a wrong value does not refuse the whole batch.
    requests: list[dict[str, Any]] = Field(
        description=(
            f"The requests, 1 to {batch.MAX_JSON_REQUESTS}, each a JSON object as the body of "
            "`POST /cases` (`employee_cpr`, `first_absence_day`, `expects_over_8_weeks`, "
            "`answers`, `employer_cvr`). `employer_cvr` may be left out (your own is used)."
        ),
        json_schema_extra={"minItems": 1, "maxItems": batch.MAX_JSON_REQUESTS},
    )


class BatchResultOut(Schema):
    index: int = Field(description="The request's position in the batch, from 0.", examples=[0])
    line: int | None = Field(
        description="For a CSV file: the row in the file (the header is row 1); else null.",
        examples=[None],
    )
    status: str = Field(
        description=(
            "created (a new case), existing (joined the case for the same absence, R-05) or "
            "error (nothing was requested)."
        ),
        examples=["created"],
    )
    employee_cpr: str | None = Field(
        description="The CPR number masked to the date of birth; null if it was not valid.",
        examples=["120381-xxxx"],
    )
    case: CaseSummaryOut | None = Field(description="The case; null for an error.")
    errors: dict[str, list[str]] | None = Field(
        description=(
            "For an error: the messages per field, in the same words as `POST /cases`; "
            f"`{batch.REQUEST_KEY}` for what concerns the request as a whole. Null otherwise."
        ),
        examples=[{"employee_cpr": ["We cannot find an employee with this CPR number here."]}],
    )
    rule_id: str | None = Field(
        description="For a Fast track rule that refused the request: its ID in RULES.md.",
        examples=["R-03"],
    )


class BatchOut(Schema):
    results: list[BatchResultOut] = Field(description="One result per request, in order.")


def _employer_of(request: HttpRequest) -> tuple[Any, Employer]:
    """The token's user and employer; only the employer's HR may send batches."""
    user = token_of(request).user
    membership = membership_of(user)
    if membership is None or membership.role != Role.EMPLOYER or membership.employer is None:
        raise PermissionDenied
    return user, membership.employer


def _row(index: int, item: dict[str, Any]) -> batch.BatchRow:
    """One item read against the single request's schema."""
    try:
        payload = CaseRequestIn.model_validate(item)
    except PydanticValidationError as error:
        # Located as in the body of POST /cases, so the field paths are the same.
        located = [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]
        employee_cpr = item.get("employee_cpr")
        return batch.BatchRow(
            index=index,
            employee_cpr=employee_cpr if isinstance(employee_cpr, str) else "",
            first_absence_day=None,
            expects_over_8_weeks=None,
            errors=validation_errors(located),
        )
    return batch.BatchRow(
        index=index,
        employee_cpr=payload.employee_cpr or "",
        first_absence_day=payload.first_absence_day,
        expects_over_8_weeks=payload.expects_over_8_weeks,
        answers=payload.answers.model_dump() if payload.answers is not None else {},
        employer_cvr=payload.employer_cvr or "",
        employee_name=payload.employee_name or "",
        employee_municipality_code=payload.employee_municipality_code or "",
        new_absence=payload.new_absence,
    )


def _results(
    request: HttpRequest, rows: list[batch.BatchRow], user: Any, employer: Employer
) -> dict[str, Any]:
    results = batch.request_all(
        rows, actor=user, employer=employer, channel=Channel.API, request=request
    )
    return {
        "results": [
            {
                "index": result.index,
                "line": result.line,
                "status": result.status.value,
                "employee_cpr": result.masked_cpr,
                "case": None if result.case is None else case_summary(result.case, Role.EMPLOYER),
                "errors": result.errors,
                "rule_id": result.rule_id,
            }
            for result in results
        ]
    }


@router.post(
    "/cases/batch",
    response=BatchOut,
    summary="Request Fast track for many employees",
    description=(
        "The employer's HR requests Fast track for up to "
        f"{batch.MAX_JSON_REQUESTS} absences at once, each item as the body of `POST /cases` "
        f"(a CSV file may hold {batch.MAX_ROWS}). A body over "
        f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)} MB is 413. "
        "Each request is made on its own: an invalid one does not stop or undo the others. "
        "200 with one result per request: `created`, `existing` (R-05) or `error` with "
        "`errors` per field and, for a refused rule, `rule_id`. Other roles get 403. Send an "
        "`Idempotency-Key` so that a retried batch replays its results instead of "
        "requesting twice."
    ),
)
@idempotent
def request_batch(request: HttpRequest, payload: BatchIn) -> dict[str, Any]:
    user, employer = _employer_of(request)
    if not payload.requests:
        raise InvalidInput({"requests": [_("Send at least one request.")]})
    if len(payload.requests) > batch.MAX_JSON_REQUESTS:
        raise InvalidInput({"requests": [batch.too_many_requests_message()]})
    rows = [_row(index, item) for index, item in enumerate(payload.requests)]
    return _results(request, rows, user, employer)


CSV_CONTENT_TYPE = "text/csv"


def _refuse_large_files(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    # Before anything reads the body: Django refuses a body above
    # DATA_UPLOAD_MAX_MEMORY_SIZE with an exception, not an answer.
    def run_if_small(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > batch.MAX_FILE_BYTES:
            return problem_response(status=413, detail=batch.too_large_message())
        return run(request, *args, **kwargs)

    return run_if_small


@router.post(
    "/cases/batch/csv",
    response=BatchOut,
    summary="Request Fast track for many employees from a CSV file",
    description=(
        "As `POST /cases/batch`, with the payroll file itself as the body "
        "(`Content-Type: text/csv`): UTF-8, with or without a BOM, `;` or `,` between the "
        "values, a header row naming the columns `employee_cpr`, `first_absence_day` "
        "(YYYY-MM-DD or DD-MM-YYYY), `expects_over_8_weeks` (ja/nej, true/false, 1/0) and "
        "optionally `affected_functions`, `affected_duration`, `adjustments_tried` and "
        f"`employer_cvr`; at most {batch.MAX_ROWS} rows and "
        f"{batch.MAX_FILE_BYTES // (1024 * 1024)} MB. Each result has `line`, the row in "
        "the file. A file that cannot be read as a whole (not UTF-8, unknown or missing "
        "columns, too many rows) is 422 with `errors.body` before any row is processed; a "
        "larger file is 413; another content type is 415."
    ),
    openapi_extra={
        "responses": {
            "413": {"description": "The file is larger than the limit."},
            "415": {"description": "The body is not sent as text/csv."},
        },
        "requestBody": {
            "required": True,
            "content": {
                CSV_CONTENT_TYPE: {
                    "schema": {"type": "string"},
                    "example": (
                        "employee_cpr;first_absence_day;expects_over_8_weeks\r\n"
                        "120381-4562;20-11-2026;ja\r\n"
                    ),
                }
            },
        },
    },
)
@idempotent
@decorate_view(_refuse_large_files)
def request_batch_csv(request: HttpRequest) -> Any:
    user, employer = _employer_of(request)
    if request.content_type != CSV_CONTENT_TYPE:
        return problem_response(
            status=415,
            detail=_("Send the file with Content-Type: %(type)s.") % {"type": CSV_CONTENT_TYPE},
        )
    try:
        rows = batch.read_csv(request.body)
    except batch.FileError as error:
        raise InvalidInput({"body": error.messages}) from error
    return _results(request, rows, user, employer)
