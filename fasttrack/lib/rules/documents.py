"""The deadlines of the documents around a case (R-24, R-20): pure functions.

They are not deadlines of the case itself (the case's keys are part of the API
contract); each document keeps its own due date, computed here from the case's
rule set and cited like every other deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fasttrack.lib.rules.bankdays import first_day_with_banking_days_left
from fasttrack.lib.rules.keys import DocumentDeadlineKey
from fasttrack.lib.rules.ruleset import RuleSet


@dataclass(frozen=True)
class DocumentDeadline:
    key: DocumentDeadlineKey
    due: date
    basis: str
    rule_id: str
    counts_from: date


def retention_plan_answer(rs: RuleSet, requested_on: date) -> DocumentDeadline:
    """§ 7 b: the employer answers the employee's request for a fastholdelsesplan."""
    return DocumentDeadline(
        key=DocumentDeadlineKey.RETENTION_PLAN_ANSWER,
        due=requested_on + timedelta(days=rs.retention_plan_answer_days),
        basis=rs.basis[DocumentDeadlineKey.RETENTION_PLAN_ANSWER],
        rule_id="R-24",
        counts_from=requested_on,
    )


def opportunity_statement_doctor(rs: RuleSet, sent_on: date) -> DocumentDeadline:
    """§ 36 a: the doctor completes part 2 of the mulighedserklæring."""
    return DocumentDeadline(
        key=DocumentDeadlineKey.OPPORTUNITY_STATEMENT_DOCTOR,
        due=sent_on + timedelta(days=rs.opportunity_statement_doctor_days),
        basis=rs.basis[DocumentDeadlineKey.OPPORTUNITY_STATEMENT_DOCTOR],
        rule_id="R-24",
        counts_from=sent_on,
    )


def retention_plan_answer_reminder_day(rs: RuleSet, answer_due_on: date) -> date:
    """R-24: the day HR and the nearest manager are reminded of the § 7 b answer."""
    return first_day_with_banking_days_left(
        answer_due_on, rs.retention_plan_answer_reminder_banking_days
    )


def opportunity_statement_doctor_reminder_day(rs: RuleSet, doctor_due_on: date) -> date:
    """R-24: the day the doctor is reminded of part 2 of the mulighedserklæring."""
    return first_day_with_banking_days_left(
        doctor_due_on, rs.opportunity_statement_doctor_reminder_banking_days
    )


def plan_evaluation_reminder_day(rs: RuleSet, evaluate_on: date) -> date:
    """R-20: the day the parties are reminded of the plan's evaluation."""
    return evaluate_on - timedelta(days=rs.plan_evaluation_reminder_days)


def plan_evaluation(rs: RuleSet, evaluate_on: date, recorded_on: date) -> DocumentDeadline:
    """R-20: the plan's own evaluation date, cited with the rule set's basis."""
    return DocumentDeadline(
        key=DocumentDeadlineKey.PLAN_EVALUATION,
        due=evaluate_on,
        basis=rs.basis[DocumentDeadlineKey.PLAN_EVALUATION],
        rule_id="R-20",
        counts_from=recorded_on,
    )
