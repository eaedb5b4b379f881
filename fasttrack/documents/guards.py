"""Whether a document's action is possible now, asked by its page before the form
and by its action before the change (R-35, like ``cases.guards``).

A page whose action is not possible (a stale link, a guessed address, a
request already open) goes back to the case with the reason, not to a form
that can only be refused.
"""

from __future__ import annotations

from fasttrack.cases.errors import InvalidTransition, RuleViolation
from fasttrack.cases.models import FastTrackCase
from fasttrack.cases.states import Action, can
from fasttrack.documents.errors import (
    DocumentInvalidTransition,
    RetentionPlanRequestOpen,
    StatementOpen,
)
from fasttrack.documents.models import (
    OPEN_STATEMENT_STATES,
    OpportunityStatement,
    RetentionPlanRequest,
    RetentionPlanRequestState,
)
from fasttrack.documents.states import DocumentAction, can_plan_request, can_statement


def _state_refusal(case: FastTrackCase, action: Action) -> InvalidTransition | None:
    if not can(case.state, action):
        return InvalidTransition(state=case.state, action=action.value)
    return None


def refusal_to_request_plan(case: FastTrackCase) -> RuleViolation | None:
    """One request for a fastholdelsesplan is answered before the next (R-24, R-35)."""
    if (refusal := _state_refusal(case, Action.REQUEST_RETENTION_PLAN)) is not None:
        return refusal
    open_request = (
        RetentionPlanRequest.objects.filter(case=case, state=RetentionPlanRequestState.REQUESTED)
        .order_by("requested_on", "pk")
        .first()
    )
    if open_request is not None:
        return RetentionPlanRequestOpen(requested_on=open_request.requested_on)
    return None


def refusal_to_start_statement(case: FastTrackCase) -> RuleViolation | None:
    """One open mulighedserklæring at a time (R-24, R-35)."""
    if (refusal := _state_refusal(case, Action.START_OPPORTUNITY_STATEMENT)) is not None:
        return refusal
    open_statement = (
        OpportunityStatement.objects.filter(case=case, state__in=OPEN_STATEMENT_STATES)
        .order_by("started_on", "pk")
        .first()
    )
    if open_statement is not None:
        return StatementOpen(started_on=open_statement.started_on)
    return None


def refusal_for_plan_request(
    case: FastTrackCase, plan_request: RetentionPlanRequest, action: DocumentAction
) -> RuleViolation | None:
    if (refusal := _state_refusal(case, Action.WORK_ON_DOCUMENT)) is not None:
        return refusal
    if not can_plan_request(plan_request.state, action):
        return DocumentInvalidTransition(action=action.value, document_state=plan_request.state)
    return None


def refusal_for_statement(
    case: FastTrackCase, statement: OpportunityStatement, action: DocumentAction
) -> RuleViolation | None:
    if (refusal := _state_refusal(case, Action.WORK_ON_DOCUMENT)) is not None:
        return refusal
    if not can_statement(statement.state, action):
        return DocumentInvalidTransition(action=action.value, document_state=statement.state)
    return None
