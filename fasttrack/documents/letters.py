"""The letters the related documents send (R-24, R-20), built like the case's own
(``cases.letters``): one template per kind and language, nothing medical in any
body (R-18), and the employee's own words never in an employer's letter (R-09).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from fasttrack.cases.letters import (
    Letter,
    _caseworkers,
    _common,
    _for,
    _inbox,
    _to_employee,
    _to_employer_side,
    _users,
    _versioned,
    absolute_url,
)
from fasttrack.people.models import Role

if TYPE_CHECKING:
    from fasttrack.cases.models import FastTrackCase
    from fasttrack.documents.models import OpportunityStatement, RetentionPlanRequest
    from fasttrack.plans.models import PlanComment, PlanVersion


def _employee(
    case: FastTrackCase, kind: str, context: dict[str, Any], version: object
) -> list[Letter]:
    return [
        _versioned(letter, version)
        for letter in _to_employee(case, kind, _for(context, "employee"), digital_post=False)
    ]


def retention_plan_requested(
    case: FastTrackCase, plan_request: RetentionPlanRequest
) -> list[Letter]:
    """HR and the nearest manager learn of the § 7 b request and when to answer.

    The employee's own message stays on the case: it may say why (R-09).
    """
    context = {
        **_common(case),
        "due_on": plan_request.answer_due_on,
        "requested_on": plan_request.requested_on,
    }
    return _to_employer_side(case, "retention_plan_requested", context, version=plan_request.pk)


def retention_plan_answered(
    case: FastTrackCase, plan_request: RetentionPlanRequest
) -> list[Letter]:
    """The employee learns that the plan is made, or why it was refused."""
    context = {
        **_common(case),
        "prepared": plan_request.state == "prepared",
        "reason": plan_request.refusal_reason,
    }
    return _employee(case, "retention_plan_answered", context, plan_request.pk)


def retention_plan_withdrawn(
    case: FastTrackCase, plan_request: RetentionPlanRequest
) -> list[Letter]:
    context = {**_common(case), "requested_on": plan_request.requested_on}
    return _to_employer_side(case, "retention_plan_withdrawn", context, version=plan_request.pk)


def retention_plan_brought(case: FastTrackCase, plan_request: RetentionPlanRequest) -> list[Letter]:
    """The caseworker learns that the employee brings the plan to the first conversation."""
    return _inbox(
        case,
        "retention_plan_brought",
        _caseworkers(case),
        "caseworker",
        _for(_common(case), "caseworker"),
        version=plan_request.pk,
    )


def _answer_key(plan_request: RetentionPlanRequest) -> str:
    # The request and its due day: a repeated sweep sends nothing twice, a
    # changed due day reminds again.
    return f"{plan_request.pk}:{plan_request.answer_due_on.isoformat()}"


def retention_plan_answer_soon(
    case: FastTrackCase, plan_request: RetentionPlanRequest, *, days: int, basis: str
) -> list[Letter]:
    """R-24: HR and the nearest manager, who got the request, are reminded to answer it
    ``days`` banking days before it is due.

    Like the request's own letter, never the employee's message: it may say why (R-09).
    """
    context = {
        **_common(case),
        "due_on": plan_request.answer_due_on,
        "requested_on": plan_request.requested_on,
        "days": days,
        "basis": basis,
        "answer_url": absolute_url(
            reverse("web:answer_retention_plan", args=[case.pk, plan_request.pk])
        ),
    }
    return _to_employer_side(
        case, "retention_plan_answer_soon", context, version=_answer_key(plan_request)
    )


def retention_plan_answer_overdue(
    case: FastTrackCase, plan_request: RetentionPlanRequest
) -> list[Letter]:
    """R-24: the employee learns that the employer did not answer in time, and that the
    jobcentre was told."""
    context = {
        **_common(case),
        "due_on": plan_request.answer_due_on,
        "requested_on": plan_request.requested_on,
    }
    return _employee(case, "retention_plan_answer_overdue", context, _answer_key(plan_request))


def _statement_context(case: FastTrackCase, statement: OpportunityStatement) -> dict[str, Any]:
    return {
        **_common(case),
        "started_by_party": statement.started_by_party,
        "due_on": statement.doctor_due_on,
    }


def statement_to_other_party(
    case: FastTrackCase, statement: OpportunityStatement, *, kind: str, author_party: str
) -> list[Letter]:
    """The party that did not write asks to read part 1 and confirm it."""
    context = {**_statement_context(case, statement), "author_party": author_party}
    version = f"{statement.pk}:{statement.part_one_version}"
    if author_party == "employer":
        return _employee(case, kind, context, version)
    return _to_employer_side(case, kind, context, version=version)


def statement_to_doctor(case: FastTrackCase, statement: OpportunityStatement) -> list[Letter]:
    """Part 2 goes to the employee's own clinic with the date it is due."""
    context = {
        **_statement_context(case, statement),
        "statement_url": absolute_url(reverse("web:case_detail", args=[case.pk]) + "#statements"),
    }
    doctors = _users(membership__role=Role.DOCTOR, membership__clinic=statement.clinic_id)
    return _inbox(
        case,
        "statement_to_doctor",
        doctors,
        "doctor",
        _for(context, "doctor"),
        version=statement.pk,
    )


def statement_doctor_soon(
    case: FastTrackCase, statement: OpportunityStatement, *, days: int, basis: str
) -> list[Letter]:
    """R-24: the doctors of the clinic part 2 went to are reminded ``days`` banking days
    before it is due; the key names the statement and the due day."""
    assert statement.doctor_due_on is not None
    context = {
        **_statement_context(case, statement),
        "days": days,
        "basis": basis,
        "statement_url": absolute_url(
            reverse("web:statement_part_two", args=[case.pk, statement.pk])
        ),
    }
    doctors = _users(membership__role=Role.DOCTOR, membership__clinic=statement.clinic_id)
    return _inbox(
        case,
        "statement_doctor_soon",
        doctors,
        "doctor",
        _for(context, "doctor"),
        version=f"{statement.pk}:{statement.doctor_due_on.isoformat()}",
    )


def statement_finished(
    case: FastTrackCase, statement: OpportunityStatement, *, kind: str
) -> list[Letter]:
    """Every party learns that the statement is completed or cancelled."""
    context = {**_statement_context(case, statement), "reason": statement.cancel_reason}
    return [
        *_employee(case, kind, context, statement.pk),
        *_to_employer_side(case, kind, context, version=statement.pk),
        *_inbox(
            case,
            kind,
            _caseworkers(case),
            "caseworker",
            _for(context, "caseworker"),
            version=statement.pk,
        ),
    ]


def plan_commented(case: FastTrackCase, comment: PlanComment) -> list[Letter]:
    """The caseworker reads each comment before writing the next version."""
    context = {**_common(case), "version": comment.version.number, "party": comment.party}
    users = [user for user in _caseworkers(case) if user.pk != comment.author_id]
    return _inbox(
        case, "plan_commented", users, "caseworker", _for(context, "caseworker"), version=comment.pk
    )


def plan_evaluation_soon(
    case: FastTrackCase, version: PlanVersion, *, evaluate_on: date
) -> list[Letter]:
    """R-20: every party is reminded of the plan's evaluation date, once per version."""
    context = {**_common(case), "version": version.number, "evaluate_on": evaluate_on}
    key = f"{version.pk}:{evaluate_on.isoformat()}"
    return [
        *_employee(case, "plan_evaluation_soon", context, key),
        *_to_employer_side(case, "plan_evaluation_soon", context, version=key),
        *_inbox(
            case,
            "plan_evaluation_soon",
            _caseworkers(case),
            "caseworker",
            _for(context, "caseworker"),
            version=key,
        ),
    ]
