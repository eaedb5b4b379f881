"""Why an action on a case was refused: one exception per rule breach.

Each error carries the rule's ID, an English message template marked for the
catalogues and its raw values; ``localized_message`` renders it in the active
language with dates formatted the local way. The rule breaches computed by the
Django-free rules (``fasttrack.lib.rules.errors``) share the same base class,
so callers catch ``RuleViolation`` for every refusal.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext

from fasttrack.formats.dates import as_date, as_datetime
from fasttrack.lib.i18n import gettext_noop
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

__all__ = [
    "AnswersAlreadyGiven",
    "AnswersRequired",
    "CancelReasonRequired",
    "CaseAlreadyAssigned",
    "CertificateAlreadyRecorded",
    "CertificateAlreadyRequested",
    "CertificateDueTooLate",
    "CertificateDueTooSoon",
    "CertificateNotRequested",
    "ClinicMissing",
    "ClosedOnOutOfRange",
    "ConsentAlreadyGiven",
    "ConsentNotLate",
    "DoctorNotAskedForCertificate",
    "DoctorWithoutConsent",
    "EmployerConversationAlreadyRecorded",
    "EmployerConversationOutOfRange",
    "EvaluationBeforeAbsence",
    "ExpectationNotAffirmed",
    "ExpectedReturnBeforeAbsence",
    "FirstAbsenceDayInFuture",
    "FirstConversationAlreadyHeld",
    "HeldOnOutOfRange",
    "IdentityAlreadyConfirmed",
    "IdentityNotConfirmed",
    "InvalidMeeting",
    "InvalidOutcome",
    "InvalidPlanVersion",
    "InvalidTransition",
    "LetterNotFailed",
    "LetterNotOnCase",
    "MeasureDueBeforeAbsence",
    "MeetingAlreadyBooked",
    "MeetingAlreadyHeld",
    "MeetingCancelled",
    "MeetingHeldNoChange",
    "MeetingNotYetHeld",
    "MeetingStarted",
    "MeetingStillBooked",
    "MeetingTimeNotInFuture",
    "NoRuleSetInForce",
    "NotANearestManager",
    "NotInvited",
    "NotPermitted",
    "NothingToRebook",
    "OpenCaseExists",
    "PartialLeaveTooFewHours",
    "PartyNotAtMeeting",
    "PlanAlreadyConfirmed",
    "PlanVersionNotCurrent",
    "ReasonRequired",
    "RebookReasonRequired",
    "RequestBeforeFirstAbsenceDay",
    "RequestTooLate",
    "ResponseReasonRequired",
    "RuleViolation",
    "TaskDescriptionRequired",
    "UnknownParty",
    "UnknownRuleSet",
    "localized_message",
]


class InvalidTransition(RuleViolation):
    """The state error: the case's state does not allow the action (API: 409)."""

    rule_id = "states"
    message = gettext_noop("You cannot %(action)s while the case is “%(state)s”.")


class NotPermitted(RuleViolation):
    # Web and API answer 404 for a case the user may not see; this is for
    # a party who sees the case but may not take this action on it.
    rule_id = "R-28"
    message = gettext_noop("Your role does not allow you to %(action)s here.")


class OpenCaseExists(RuleViolation):
    """R-34: another absence of the same person and employer is still open (API: 409)."""

    http_status = 409
    rule_id = "R-34"
    field = "new_absence"
    message = gettext_noop(
        "There is already an open Fast track case for this employee at this employer (case "
        "%(case_id)s, first absence day %(first_absence_day)s). If this is a new absence, "
        "confirm that it is."
    )


class IdentityNotConfirmed(RuleViolation):
    """R-36: nothing goes to the citizen before a caseworker confirms who they are."""

    http_status = 409
    rule_id = "R-36"
    message = gettext_noop(
        "Confirm the employee's identity first: nothing is sent to the citizen before that."
    )


class IdentityAlreadyConfirmed(RuleViolation):
    http_status = 409
    rule_id = "R-36"
    message = gettext_noop("The employee's identity is already confirmed.")


class NotANearestManager(RuleViolation):
    rule_id = "R-21"
    message = gettext_noop(
        "%(name)s cannot be named nearest manager: choose a nearest manager at %(employer)s."
    )


class ConsentAlreadyGiven(RuleViolation):
    rule_id = "R-11"
    message = gettext_noop("The employee has already answered the request on %(answered_on)s.")


class ConsentNotLate(RuleViolation):
    rule_id = "R-12"
    message = gettext_noop(
        "Fast track can only be continued after a late acceptance; the consent deadline "
        "%(due)s has not passed or the employee has not accepted."
    )


class ReasonRequired(RuleViolation):
    rule_id = "R-12"
    field = "reason"
    message = gettext_noop("Write down the reason for the decision.")


class AnswersRequired(RuleViolation):
    rule_id = "R-07"
    field = "answers"
    message = gettext_noop("The employee must answer all three questions.")

    def field_paths(self) -> list[str]:
        # Each unanswered question, as the API names it (answers.affected_duration).
        missing = self.params.get("missing") or ()
        keys = missing.split(", ") if isinstance(missing, str) else list(missing)
        return [f"answers.{key}" for key in keys if key] or ["answers"]


class AnswersAlreadyGiven(RuleViolation):
    rule_id = "R-08"
    message = gettext_noop("%(party)s has already answered the three questions.")


class ClinicMissing(RuleViolation):
    rule_id = "R-15"
    message = gettext_noop(
        "The employee has no own doctor registered, so no medical certificate can be requested."
    )


class CertificateNotRequested(RuleViolation):
    rule_id = "R-16"
    message = gettext_noop("No medical certificate has been requested from your clinic.")


class CertificateAlreadyRecorded(RuleViolation):
    rule_id = "R-17"
    message = gettext_noop("The medical certificate was already received on %(received_on)s.")


class PartialLeaveTooFewHours(RuleViolation):
    rule_id = "R-22"
    field = "partial_leave_hours_per_week"
    message = gettext_noop(
        "Partial sick leave needs an absence of at least %(min_hours)s hours a week; "
        "%(hours)s is too few."
    )


class InvalidPlanVersion(RuleViolation):
    rule_id = "R-20"
    message = gettext_noop("The plan version %(version)s does not belong to this case.")


class PlanVersionNotCurrent(RuleViolation):
    rule_id = "R-20"
    message = gettext_noop(
        "Version %(version)s of the plan has been replaced by version %(current)s; read and "
        "confirm the current version."
    )


class PlanAlreadyConfirmed(RuleViolation):
    rule_id = "R-20"
    message = gettext_noop(
        "Version %(version)s of the plan was already confirmed on %(confirmed_on)s by "
        "%(name)s (%(party)s); a new version of the plan needs a new confirmation."
    )


class LetterNotOnCase(RuleViolation):
    rule_id = "R-28"
    message = gettext_noop("The letter %(letter)s does not belong to this case.")


class LetterNotFailed(RuleViolation):
    rule_id = "letters"
    message = gettext_noop(
        "Only a letter that could not be delivered can be sent again; this one is “%(status)s”."
    )


class InvalidMeeting(RuleViolation):
    rule_id = "R-19"
    message = gettext_noop("The meeting %(meeting)s does not belong to this case.")


class MeetingAlreadyHeld(RuleViolation):
    rule_id = "R-19"
    message = gettext_noop("The meeting was already recorded as held on %(held_on)s.")


class PartyNotAtMeeting(RuleViolation):
    # A companion comes to the employee's own conversation; the union
    # representative and the doctor to the meeting at the workplace.
    rule_id = "meetings"
    message = gettext_noop("A %(meeting_party)s cannot take part in a %(kind)s.")


class DoctorWithoutConsent(RuleViolation):
    rule_id = "R-18"
    message = gettext_noop(
        "The doctor can take part in the meeting only when the employee has consented."
    )


class DoctorNotAskedForCertificate(RuleViolation):
    """The doctor sees a case only after a certificate request to their clinic (R-28),
    so an invitation before it would point them to a case they cannot open."""

    rule_id = "R-28"
    message = gettext_noop(
        "Ask the employee's doctor for a medical certificate before inviting them: the "
        "doctor sees the case only after a certificate request."
    )


class MeetingCancelled(InvalidTransition):
    """A cancelled meeting stays cancelled: book a new one (API: 409)."""

    rule_id = "meetings"
    message = gettext_noop(
        "The meeting was cancelled on %(cancelled_on)s and cannot be changed; book a new meeting."
    )


class MeetingHeldNoChange(InvalidTransition):
    rule_id = "meetings"
    message = gettext_noop(
        "The meeting was held on %(held_on)s and can no longer be rebooked or cancelled."
    )


class MeetingStarted(InvalidTransition):
    rule_id = "meetings"
    message = gettext_noop(
        "The meeting began on %(starts_on)s, so the invitation can no longer be answered."
    )


class NothingToRebook(RuleViolation):
    rule_id = "meetings"
    message = gettext_noop("Change the time, the place or the video link to rebook the meeting.")


class RebookReasonRequired(ReasonRequired):
    rule_id = "meetings"
    message = gettext_noop("Write why the meeting is moved: the participants are told.")


class CancelReasonRequired(ReasonRequired):
    rule_id = "meetings"
    message = gettext_noop("Write why the meeting is cancelled: the participants are told.")


class ResponseReasonRequired(ReasonRequired):
    rule_id = "meetings"
    message = gettext_noop(
        "Write why you cannot come, so that the caseworker can find another solution."
    )


class NotInvited(NotPermitted):
    rule_id = "R-28"
    message = gettext_noop("Only a participant can answer this invitation.")


class UnknownParty(RuleViolation):
    rule_id = "meetings"
    message = gettext_noop("%(meeting_party)s is not a party at a meeting.")


class TaskDescriptionRequired(RuleViolation):
    rule_id = "meetings"
    message = gettext_noop("Describe the task for %(meeting_party)s.")


class InvalidOutcome(RuleViolation):
    rule_id = "states"
    message = gettext_noop("%(outcome)s is not an outcome a case can be closed with.")


# --- dates that must make sense (R-33) -------------------------------------------


class MeetingTimeNotInFuture(RuleViolation):
    rule_id = "R-33"
    field = "starts_at"
    message = gettext_noop(
        "A meeting can only be booked or moved to a time in the future: choose a time after "
        "%(now)s (Danish time)."
    )


class MeetingNotYetHeld(InvalidTransition):
    """The meeting's day has not come: nothing can be recorded as held yet (API: 409)."""

    rule_id = "R-33"
    message = gettext_noop(
        "The meeting is booked for %(starts_on)s, so it can be recorded as held from that day."
    )


class HeldOnOutOfRange(RuleViolation):
    rule_id = "R-33"
    field = "held_on"
    message = gettext_noop(
        "The meeting can be recorded as held on a day from %(earliest)s (the day it was "
        "booked for) to %(latest)s (today)."
    )


class ExpectedReturnBeforeAbsence(RuleViolation):
    rule_id = "R-33"
    field = "expected_return_on"
    message = gettext_noop(
        "The expected return cannot be before the first absence day: choose "
        "%(first_absence_day)s or later."
    )


class EvaluationBeforeAbsence(RuleViolation):
    rule_id = "R-33"
    field = "evaluate_on"
    message = gettext_noop(
        "The plan cannot be evaluated before the first absence day: choose "
        "%(first_absence_day)s or later."
    )


class MeasureDueBeforeAbsence(RuleViolation):
    rule_id = "R-33"
    field = "measures.%(index)s.due_on"
    message = gettext_noop(
        "A measure cannot be due before the first absence day: choose %(first_absence_day)s "
        "or later."
    )


class ClosedOnOutOfRange(RuleViolation):
    rule_id = "R-33"
    field = "closed_on"
    message = gettext_noop(
        "A case closes on a day from %(earliest)s (the request) to %(latest)s (today)."
    )


class EmployerConversationOutOfRange(RuleViolation):
    rule_id = "R-33"
    field = "held_on"
    message = gettext_noop(
        "Choose a day from %(earliest)s (the first absence day) to %(latest)s (today)."
    )


# --- one of each at a time (R-35) ----------------------------------------------------


class MeetingAlreadyBooked(InvalidTransition):
    rule_id = "R-35"
    message = gettext_noop(
        "%(kind)s is already booked for %(starts_at)s: rebook or cancel that meeting instead."
    )


class FirstConversationAlreadyHeld(InvalidTransition):
    rule_id = "R-35"
    message = gettext_noop(
        "The first follow-up conversation was held on %(held_on)s; there is only one."
    )


class CertificateAlreadyRequested(InvalidTransition):
    rule_id = "R-35"
    message = gettext_noop(
        "A medical certificate was requested on %(requested_on)s and is due %(due_on)s; it "
        "must arrive before another can be requested."
    )


class MeetingStillBooked(InvalidTransition):
    rule_id = "R-35"
    message = gettext_noop(
        "%(kind)s on %(starts_at)s is still booked: record it as held or cancel it before "
        "closing the case."
    )


# --- who works on the case, and the employer's own conversation -------------------------


class CaseAlreadyAssigned(InvalidTransition):
    rule_id = "assignment"
    message = gettext_noop(
        "The case is already assigned to %(caseworker)s; the jobcentre manager can reassign it."
    )


class EmployerConversationAlreadyRecorded(InvalidTransition):
    rule_id = "R-23"
    message = gettext_noop("The sick-absence conversation was recorded as held on %(held_on)s.")


def _label_of(name: str, value: Any) -> Any:
    """The translated label of a code the engine put in its params, if it has one.

    The engine raises with stable codes (``awaiting_consent``, ``employer``) so
    that API clients can rely on them; people read the labels.
    """
    from fasttrack.cases.models import Party
    from fasttrack.cases.states import ACTION_LABELS, State
    from fasttrack.documents.models import RetentionPlanRequestState, StatementState
    from fasttrack.documents.states import DOCUMENT_ACTION_LABELS
    from fasttrack.meetings.models import MeetingKind
    from fasttrack.meetings.models import Party as MeetingParty
    from fasttrack.notifications.models import Message
    from fasttrack.people.models import Role

    choices: dict[str, Any] = {
        "state": dict(State.choices),
        "party": dict(Party.choices),
        "role": dict(Role.choices),
        "action": {**ACTION_LABELS, **DOCUMENT_ACTION_LABELS},
        "document_state": {
            **dict(RetentionPlanRequestState.choices),
            **dict(StatementState.choices),
        },
        "status": dict(Message.Status.choices),
        "meeting_party": dict(MeetingParty.choices),
        "kind": dict(MeetingKind.choices),
    }
    return choices.get(name, {}).get(value, value)


def _localize(name: str, value: Any) -> Any:
    if isinstance(value, datetime):
        return as_datetime(value)
    if isinstance(value, date):
        return as_date(value)
    return _label_of(name, value)


def localized_message(error: RuleViolation) -> str:
    """The error in the active language: dates the local way, codes as their labels."""
    params = {name: _localize(name, value) for name, value in error.params.items()}
    return gettext(error.message) % params
