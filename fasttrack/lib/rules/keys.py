"""The names of the deadlines: part of the API contract (RULES.md)."""

from __future__ import annotations

from enum import StrEnum


class DeadlineKey(StrEnum):
    REQUEST_WINDOW_CLOSES = "request_window_closes"
    EMPLOYEE_CONSENT = "employee_consent"
    MEDICAL_CERTIFICATE = "medical_certificate"
    FIRST_FOLLOWUP_CONVERSATION = "first_followup_conversation"
    RETENTION_MEETING = "retention_meeting"
    EMPLOYER_SICK_ABSENCE_CONVERSATION = "employer_sick_absence_conversation"


class DocumentDeadlineKey(StrEnum):
    """Deadlines of the documents around a case (R-24, R-20), kept apart from the
    case's own deadline keys, which are part of the API contract."""

    RETENTION_PLAN_ANSWER = "retention_plan_answer"
    OPPORTUNITY_STATEMENT_DOCTOR = "opportunity_statement_doctor"
    PLAN_EVALUATION = "plan_evaluation"


# A declined Fast track keeps the key first_followup_conversation but falls
# back to the normal track's deadline, which has its own legal basis.
NORMAL_TRACK_FIRST_CONVERSATION = "normal_track_first_conversation"
# The request window is the same for every request, but its basis is § 7 c for
# the employer's request and § 7 e for the employee's own.
EMPLOYEE_REQUEST_WINDOW_CLOSES = "employee_request_window_closes"

BASIS_KEYS: frozenset[str] = frozenset(
    [
        *(key.value for key in DeadlineKey),
        *(key.value for key in DocumentDeadlineKey),
        NORMAL_TRACK_FIRST_CONVERSATION,
        EMPLOYEE_REQUEST_WINDOW_CLOSES,
    ]
)
