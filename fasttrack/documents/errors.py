"""Why an action on a related document was refused (R-24, R-18)."""

from __future__ import annotations

from fasttrack.cases.errors import InvalidTransition, ReasonRequired, RuleViolation
from fasttrack.lib.i18n import gettext_noop


class DocumentInvalidTransition(InvalidTransition):
    """The document's state does not allow the action (API: 409)."""

    rule_id = "R-24"
    message = gettext_noop("You cannot %(action)s while the document is “%(document_state)s”.")


class RetentionPlanRequestOpen(InvalidTransition):
    rule_id = "R-24"
    message = gettext_noop(
        "The employer has not yet answered your request of %(requested_on)s; "
        "one request is answered before the next."
    )


class StatementOpen(InvalidTransition):
    rule_id = "R-24"
    message = gettext_noop(
        "A mulighedserklæring started on %(started_on)s is not yet completed; "
        "complete or cancel it first."
    )


class RefusalReasonRequired(ReasonRequired):
    rule_id = "R-24"
    field = "refusal_reason"
    message = gettext_noop("Write why the employer refuses: the employee is told.")


class CancelStatementReasonRequired(ReasonRequired):
    rule_id = "R-24"
    field = "cancel_reason"
    message = gettext_noop("Write why the mulighedserklæring is cancelled: the parties are told.")


class RetentionPlanContentRequired(RuleViolation):
    rule_id = "R-24"
    field = "work_functions"
    message = gettext_noop(
        "Describe the work functions and the adjustments in the plan, or refuse with a reason."
    )


class PartOneIncomplete(RuleViolation):
    rule_id = "R-24"
    field = "%(missing)s"
    message = gettext_noop(
        "Part 1 needs the job's functions, what the employee can do and what the employee "
        "cannot do before both parties confirm it."
    )


class PartOneAlreadyConfirmed(InvalidTransition):
    rule_id = "R-24"
    message = gettext_noop("You have already confirmed this version of part 1.")


class DoctorAssessmentRequired(RuleViolation):
    rule_id = "R-24"
    field = "doctor_assessment"
    message = gettext_noop("Write your assessment of the functions described in part 1.")


class NoOwnDoctor(RuleViolation):
    rule_id = "R-24"
    message = gettext_noop(
        "The employee has no own doctor registered, so part 2 cannot be sent to a doctor."
    )


class CommentRequired(RuleViolation):
    rule_id = "R-20"
    field = "text"
    message = gettext_noop("Write the comment.")
