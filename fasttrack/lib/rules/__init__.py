"""The Fast track rules as plain Python: rule sets, banking days, deadlines.

Nothing here imports Django, so the legal clock can be tested and reasoned
about without a database; the case engine calls it and stores the results.
"""

from fasttrack.lib.rules.bankdays import (
    add_banking_days,
    banking_days_between,
    closing_days,
    first_day_with_banking_days_left,
    is_banking_day,
    last_banking_day_before,
    next_banking_day_on_or_after,
)
from fasttrack.lib.rules.deadlines import (
    REQUESTERS,
    CaseFacts,
    Deadline,
    Requester,
    check_certificate_days,
    employee_consent,
    employer_sick_absence_conversation,
    first_conversation_day,
    first_followup_conversation,
    latest_certificate_day,
    medical_certificate,
    request_window_closes,
    retention_meeting,
    schedule,
)
from fasttrack.lib.rules.eligibility import check_request, last_valid_request_day
from fasttrack.lib.rules.errors import (
    CertificateDueTooLate,
    CertificateDueTooSoon,
    ExpectationNotAffirmed,
    FirstAbsenceDayInFuture,
    NoRuleSetInForce,
    RequestBeforeFirstAbsenceDay,
    RequestTooLate,
    RuleViolation,
    UnknownRuleSet,
)
from fasttrack.lib.rules.keys import DeadlineKey
from fasttrack.lib.rules.questions import QUESTION_KEYS, Question, QuestionSet, question_set
from fasttrack.lib.rules.ruleset import (
    InvalidRuleSet,
    RuleSet,
    load_rule_sets,
    parse_rule_set,
    rule_set_by_version,
    rule_set_for,
)

__all__ = [
    "QUESTION_KEYS",
    "REQUESTERS",
    "CaseFacts",
    "CertificateDueTooLate",
    "CertificateDueTooSoon",
    "Deadline",
    "DeadlineKey",
    "ExpectationNotAffirmed",
    "FirstAbsenceDayInFuture",
    "InvalidRuleSet",
    "NoRuleSetInForce",
    "Question",
    "QuestionSet",
    "RequestBeforeFirstAbsenceDay",
    "RequestTooLate",
    "Requester",
    "RuleSet",
    "RuleViolation",
    "UnknownRuleSet",
    "add_banking_days",
    "banking_days_between",
    "check_certificate_days",
    "check_request",
    "closing_days",
    "employee_consent",
    "employer_sick_absence_conversation",
    "first_conversation_day",
    "first_day_with_banking_days_left",
    "first_followup_conversation",
    "is_banking_day",
    "last_banking_day_before",
    "last_valid_request_day",
    "latest_certificate_day",
    "load_rule_sets",
    "medical_certificate",
    "next_banking_day_on_or_after",
    "parse_rule_set",
    "question_set",
    "request_window_closes",
    "retention_meeting",
    "rule_set_by_version",
    "rule_set_for",
    "schedule",
]
