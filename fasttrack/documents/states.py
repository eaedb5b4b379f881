"""The states of the related documents and what may happen in each (R-24).

Like the case's own table (``cases.states``): every action in
``documents.actions`` asks here before it changes a document.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from fasttrack.documents.errors import DocumentInvalidTransition
from fasttrack.documents.models import RetentionPlanRequestState, StatementState


class DocumentAction(StrEnum):
    PREPARE = "prepare_retention_plan"
    REFUSE = "refuse_retention_plan"
    WITHDRAW = "withdraw_retention_plan_request"
    BRING = "bring_retention_plan"
    SAVE_PART_ONE = "save_part_one"
    CONFIRM_PART_ONE = "confirm_part_one"
    COMPLETE = "complete_statement"
    CANCEL = "cancel_statement"


DOCUMENT_ACTION_LABELS = {
    DocumentAction.PREPARE: _("make the fastholdelsesplan"),
    DocumentAction.REFUSE: _("refuse the fastholdelsesplan"),
    DocumentAction.WITHDRAW: _("withdraw the request for a fastholdelsesplan"),
    DocumentAction.BRING: _("bring the plan to the first conversation"),
    DocumentAction.SAVE_PART_ONE: _("change part 1 of the mulighedserklæring"),
    DocumentAction.CONFIRM_PART_ONE: _("confirm part 1 of the mulighedserklæring"),
    DocumentAction.COMPLETE: _("complete part 2 of the mulighedserklæring"),
    DocumentAction.CANCEL: _("cancel the mulighedserklæring"),
}

PLAN_REQUEST_TRANSITIONS: dict[
    RetentionPlanRequestState, dict[DocumentAction, RetentionPlanRequestState]
] = {
    RetentionPlanRequestState.REQUESTED: {
        DocumentAction.PREPARE: RetentionPlanRequestState.PREPARED,
        DocumentAction.REFUSE: RetentionPlanRequestState.REFUSED,
        DocumentAction.WITHDRAW: RetentionPlanRequestState.WITHDRAWN,
    },
    # The employee marks the plan to be brought to the first conversation.
    RetentionPlanRequestState.PREPARED: {DocumentAction.BRING: RetentionPlanRequestState.PREPARED},
    RetentionPlanRequestState.REFUSED: {},
    RetentionPlanRequestState.WITHDRAWN: {},
}

STATEMENT_TRANSITIONS: dict[StatementState, dict[DocumentAction, StatementState]] = {
    StatementState.PART_ONE: {
        DocumentAction.SAVE_PART_ONE: StatementState.PART_ONE,
        # The second party's confirmation sends part 2 to the doctor.
        DocumentAction.CONFIRM_PART_ONE: StatementState.PART_ONE,
        DocumentAction.CANCEL: StatementState.CANCELLED,
    },
    StatementState.AT_DOCTOR: {
        DocumentAction.COMPLETE: StatementState.COMPLETED,
        DocumentAction.CANCEL: StatementState.CANCELLED,
    },
    StatementState.COMPLETED: {},
    StatementState.CANCELLED: {},
}


def require_plan_request(state: str, action: DocumentAction) -> RetentionPlanRequestState:
    current = RetentionPlanRequestState(state)
    if action not in PLAN_REQUEST_TRANSITIONS[current]:
        raise DocumentInvalidTransition(action=action.value, document_state=current.value)
    return PLAN_REQUEST_TRANSITIONS[current][action]


def require_statement(state: str, action: DocumentAction) -> StatementState:
    current = StatementState(state)
    if action not in STATEMENT_TRANSITIONS[current]:
        raise DocumentInvalidTransition(action=action.value, document_state=current.value)
    return STATEMENT_TRANSITIONS[current][action]


def can_plan_request(state: str, action: DocumentAction) -> bool:
    return action in PLAN_REQUEST_TRANSITIONS[RetentionPlanRequestState(state)]


def can_statement(state: str, action: DocumentAction) -> bool:
    return action in STATEMENT_TRANSITIONS[StatementState(state)]
