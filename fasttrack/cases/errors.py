"""Why an action on a case was refused: one exception per rule breach.

Each error carries the rule's ID, an English message template marked for the
catalogues and its raw values; ``localized_message`` renders it in the active
language with dates formatted the local way. The rule breaches computed by the
Django-free rules (``fasttrack.lib.rules.errors``) share the same base class,
so callers catch ``RuleViolation`` for every refusal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext

from fasttrack.lib.i18n import gettext_noop
from fasttrack.lib.rules.errors import (
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
    "CertificateAlreadyRecorded",
    "CertificateDueTooSoon",
    "CertificateNotRequested",
    "ClinicMissing",
    "ConsentAlreadyGiven",
    "ConsentNotLate",
    "DoctorWithoutConsent",
    "ExpectationNotAffirmed",
    "FirstAbsenceDayInFuture",
    "InvalidMeeting",
    "InvalidOutcome",
    "InvalidPlanVersion",
    "InvalidTransition",
    "LetterNotFailed",
    "LetterNotOnCase",
    "MeetingAlreadyHeld",
    "MeetingCancelled",
    "MeetingHeldNoChange",
    "MeetingStarted",
    "NoRuleSetInForce",
    "NotANearestManager",
    "NotInvited",
    "NotPermitted",
    "NothingToRebook",
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
        "%(due)s has not passed or the employee has not accepted (R-12)."
    )


class ReasonRequired(RuleViolation):
    rule_id = "R-12"
    message = gettext_noop("Write down the reason for the decision (%(rule)s).")


class AnswersRequired(RuleViolation):
    rule_id = "R-07"
    message = gettext_noop("The employee must answer all three questions (R-07).")


class AnswersAlreadyGiven(RuleViolation):
    rule_id = "R-08"
    message = gettext_noop("%(party)s has already answered the three questions.")


class ClinicMissing(RuleViolation):
    rule_id = "R-15"
    message = gettext_noop(
        "The employee has no own doctor registered, so no medical certificate can be "
        "requested (R-15)."
    )


class CertificateNotRequested(RuleViolation):
    rule_id = "R-16"
    message = gettext_noop("No medical certificate has been requested from your clinic.")


class CertificateAlreadyRecorded(RuleViolation):
    rule_id = "R-17"
    message = gettext_noop("The medical certificate was already received on %(received_on)s.")


class PartialLeaveTooFewHours(RuleViolation):
    rule_id = "R-22"
    message = gettext_noop(
        "Partial sick leave needs an absence of at least %(min_hours)s hours a week; "
        "%(hours)s is too few (R-22)."
    )


class InvalidPlanVersion(RuleViolation):
    rule_id = "R-20"
    message = gettext_noop("The plan version %(version)s does not belong to this case.")


class PlanVersionNotCurrent(RuleViolation):
    rule_id = "R-20"
    message = gettext_noop(
        "Version %(version)s of the plan has been replaced by version %(current)s; read and "
        "confirm the current version (R-20)."
    )


class PlanAlreadyConfirmed(RuleViolation):
    rule_id = "R-20"
    message = gettext_noop(
        "Version %(version)s of the plan was already confirmed on %(confirmed_on)s by "
        "%(name)s (%(party)s); a new version of the plan needs a new confirmation (R-20)."
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
        "The doctor can take part in the meeting only when the employee has consented (R-18)."
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


def _label_of(name: str, value: Any) -> Any:
    """The translated label of a code the engine put in its params, if it has one.

    The engine raises with stable codes (``awaiting_consent``, ``employer``) so
    that API clients can rely on them; people read the labels.
    """
    from fasttrack.cases.models import Party
    from fasttrack.cases.states import ACTION_LABELS, State
    from fasttrack.meetings.models import MeetingKind
    from fasttrack.meetings.models import Party as MeetingParty
    from fasttrack.notifications.models import Message
    from fasttrack.people.models import Role

    choices: dict[str, Any] = {
        "state": dict(State.choices),
        "party": dict(Party.choices),
        "role": dict(Role.choices),
        "action": ACTION_LABELS,
        "status": dict(Message.Status.choices),
        "meeting_party": dict(MeetingParty.choices),
        "kind": dict(MeetingKind.choices),
    }
    return choices.get(name, {}).get(value, value)


def _localize(name: str, value: Any) -> Any:
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return _label_of(name, value)


def localized_message(error: RuleViolation) -> str:
    """The error in the active language: dates the local way, codes as their labels."""
    params = {name: _localize(name, value) for name, value in error.params.items()}
    return gettext(error.message) % params
