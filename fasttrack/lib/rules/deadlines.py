"""The legal clock: each deadline of a case, computed from dates and a rule set.

Pure functions, so the case engine can recompute every deadline whenever a
fact changes instead of keeping counters, and so each rule can be tested alone.
Every deadline carries the legal basis and rule ID the user is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, get_args

from dateutil.relativedelta import relativedelta

from fasttrack.lib.rules.bankdays import add_banking_days
from fasttrack.lib.rules.eligibility import last_valid_request_day
from fasttrack.lib.rules.errors import CertificateDueTooLate, CertificateDueTooSoon
from fasttrack.lib.rules.keys import (
    EMPLOYEE_REQUEST_WINDOW_CLOSES,
    NORMAL_TRACK_FIRST_CONVERSATION,
    DeadlineKey,
)
from fasttrack.lib.rules.ruleset import RuleSet

Requester = Literal["employer", "employee", "caseworker"]
REQUESTERS: tuple[Requester, ...] = get_args(Requester)


@dataclass(frozen=True)
class Deadline:
    key: DeadlineKey
    # None when the deadline does not apply to this case.
    due: date | None
    basis: str
    rule_id: str
    counts_from: date
    # False for a local target that must not be shown as the law.
    legal: bool


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def request_window_closes(
    rs: RuleSet, first_absence_day: date, requested_by: Requester = "employer"
) -> Deadline:
    """R-03: the last valid request day.

    The same day for everyone, cited as § 7 c for the employer's request and
    as § 7 e (and the jobcentres' practice) for the employee's own request,
    also when a caseworker registers it for the employee.
    """
    basis_key = (
        DeadlineKey.REQUEST_WINDOW_CLOSES
        if requested_by == "employer"
        else EMPLOYEE_REQUEST_WINDOW_CLOSES
    )
    return Deadline(
        key=DeadlineKey.REQUEST_WINDOW_CLOSES,
        due=last_valid_request_day(rs, first_absence_day),
        basis=rs.basis[basis_key],
        rule_id="R-03",
        counts_from=first_absence_day,
        legal=True,
    )


def employee_consent(rs: RuleSet, letter_sent_on: date) -> Deadline:
    """R-11: the consent form is back at the latest n banking days after the letter."""
    return Deadline(
        key=DeadlineKey.EMPLOYEE_CONSENT,
        due=add_banking_days(letter_sent_on, rs.consent_banking_days),
        basis=rs.basis[DeadlineKey.EMPLOYEE_CONSENT],
        rule_id="R-11",
        counts_from=letter_sent_on,
        legal=True,
    )


def latest_certificate_day(rs: RuleSet, requested_on: date, conversation_on: date) -> date:
    """R-16: the latest day the certificate may be due.

    The certificate must be in hand by the first follow-up conversation
    (``conversation_on``: the day it is booked or was held, else its
    deadline), and never later than the rule set's 14 days after the request
    was sent; but the doctor always gets at least 8 days, also when the
    conversation comes sooner.
    """
    latest = min(requested_on + _days(rs.certificate_days), conversation_on)
    return max(latest, requested_on + _days(rs.certificate_min_days))


def check_certificate_days(
    rs: RuleSet, requested_on: date, due_in_days: int, conversation_on: date
) -> None:
    """R-16: refuse a time for the doctor below 8 days or past the latest allowed day."""
    if due_in_days < rs.certificate_min_days:
        raise CertificateDueTooSoon(due_in_days=due_in_days, min_days=rs.certificate_min_days)
    latest = latest_certificate_day(rs, requested_on, conversation_on)
    if requested_on + _days(due_in_days) > latest:
        raise CertificateDueTooLate(
            due_in_days=due_in_days,
            latest_day=latest,
            max_days=(latest - requested_on).days,
        )


def medical_certificate(
    rs: RuleSet,
    requested_on: date,
    due_in_days: int | None = None,
    *,
    conversation_on: date | None = None,
) -> Deadline:
    """R-16: the doctor's deadline, counted from the day the request is sent.

    ``due_in_days`` is the time the caseworker gave the doctor (the rule set's
    14 days by default). The first conversation caps it, so booking or
    moving that conversation moves the deadline with it, but never below
    the 8-day floor. ``conversation_on`` is None only where no conversation
    is known at all, as in a rule test of the doctor's time alone.
    """
    days = rs.certificate_days if due_in_days is None else due_in_days
    if days < rs.certificate_min_days:
        raise CertificateDueTooSoon(due_in_days=days, min_days=rs.certificate_min_days)
    due = requested_on + _days(days)
    if conversation_on is not None:
        floor = requested_on + _days(rs.certificate_min_days)
        due = max(min(due, conversation_on), floor)
    return Deadline(
        key=DeadlineKey.MEDICAL_CERTIFICATE,
        due=due,
        basis=rs.basis[DeadlineKey.MEDICAL_CERTIFICATE],
        rule_id="R-16",
        counts_from=requested_on,
        legal=True,
    )


def _fast_track_conversation_due(rs: RuleSet, request_date: date) -> date:
    return request_date + _days(rs.first_conversation_days)


def first_followup_conversation(
    rs: RuleSet, request_date: date, first_absence_day: date, *, declined: bool = False
) -> Deadline:
    """R-19: 14 days after the request; R-13: on the normal track, counted from D0."""
    if declined:
        return Deadline(
            key=DeadlineKey.FIRST_FOLLOWUP_CONVERSATION,
            due=first_absence_day + _days(rs.normal_track_first_conversation_days),
            basis=rs.basis[NORMAL_TRACK_FIRST_CONVERSATION],
            rule_id="R-13",
            counts_from=first_absence_day,
            legal=True,
        )
    return Deadline(
        key=DeadlineKey.FIRST_FOLLOWUP_CONVERSATION,
        due=_fast_track_conversation_due(rs, request_date),
        basis=rs.basis[DeadlineKey.FIRST_FOLLOWUP_CONVERSATION],
        rule_id="R-19",
        counts_from=request_date,
        legal=True,
    )


def retention_meeting(rs: RuleSet, first_absence_day: date, request_date: date) -> Deadline:
    """R-21: a local target, D0 + 1 month, but never before the first conversation.

    The meeting builds on the first conversation, so when a late request puts
    that conversation after D0 + 1 month, the target moves to 14 days after the
    conversation's deadline.
    """
    counts_from = first_absence_day
    # relativedelta clamps to the month's last day: 31 January + 1 month is 28/29 February.
    due: date = first_absence_day + relativedelta(months=rs.retention_meeting_months)
    conversation_due = _fast_track_conversation_due(rs, request_date)
    if due < conversation_due:
        counts_from = conversation_due
        due = conversation_due + _days(rs.retention_meeting_fallback_days)
    return Deadline(
        key=DeadlineKey.RETENTION_MEETING,
        due=due,
        basis=rs.basis[DeadlineKey.RETENTION_MEETING],
        rule_id="R-21",
        counts_from=counts_from,
        legal=False,
    )


def employer_sick_absence_conversation(
    rs: RuleSet, first_absence_day: date, *, leaves_within_8_weeks: bool = False
) -> Deadline:
    """R-23: the employer's own conversation, unless the employee is leaving anyway."""
    due = first_absence_day + _days(rs.employer_conversation_days)
    return Deadline(
        key=DeadlineKey.EMPLOYER_SICK_ABSENCE_CONVERSATION,
        due=None if leaves_within_8_weeks else due,
        basis=rs.basis[DeadlineKey.EMPLOYER_SICK_ABSENCE_CONVERSATION],
        rule_id="R-23",
        counts_from=first_absence_day,
        legal=True,
    )


@dataclass(frozen=True, kw_only=True)
class CaseFacts:
    """What the clock needs to know about a case; everything else is the engine's."""

    first_absence_day: date
    request_date: date
    requested_by: Requester
    # Whether the absence has an employer at all: the unemployed and the
    # self-employed have no employer conversation.
    has_employer: bool
    consent_letter_sent_on: date | None = None
    declined: bool = False
    certificate_requested_on: date | None = None
    certificate_due_in_days: int | None = None
    # The day the first conversation is booked for, or was held on;
    # None while there is none, and then its deadline caps the certificate.
    first_conversation_on: date | None = None
    leaves_within_8_weeks: bool = False

    def __post_init__(self) -> None:
        if self.requested_by not in REQUESTERS:
            raise ValueError(f"requested_by must be one of {REQUESTERS}, not {self.requested_by!r}")
        if self.requested_by == "employer" and not self.has_employer:
            raise ValueError("An employer's request needs an employer.")
        # An employee's own request is its own consent: no letter is sent.
        if self.consent_letter_sent_on is not None and self.requested_by != "employer":
            raise ValueError("Only an employer's request sends a consent letter (R-10, R-14).")


def schedule(rs: RuleSet, facts: CaseFacts) -> dict[DeadlineKey, Deadline]:
    """Every deadline that applies to the case, in the order of DeadlineKey."""
    conversation = first_followup_conversation(
        rs, facts.request_date, facts.first_absence_day, declined=facts.declined
    )
    deadlines = [
        request_window_closes(rs, facts.first_absence_day, facts.requested_by),
        *_consent(rs, facts),
        *_certificate(rs, facts, conversation),
        conversation,
        *_retention(rs, facts),
        *_employer_conversation(rs, facts),
    ]
    return {deadline.key: deadline for deadline in deadlines}


def _consent(rs: RuleSet, facts: CaseFacts) -> list[Deadline]:
    if facts.consent_letter_sent_on is None:
        return []
    return [employee_consent(rs, facts.consent_letter_sent_on)]


def _certificate(rs: RuleSet, facts: CaseFacts, conversation: Deadline) -> list[Deadline]:
    if facts.certificate_requested_on is None:
        return []
    return [
        medical_certificate(
            rs,
            facts.certificate_requested_on,
            facts.certificate_due_in_days,
            conversation_on=first_conversation_day(facts, conversation),
        )
    ]


def first_conversation_day(facts: CaseFacts, conversation: Deadline) -> date | None:
    """The first conversation's booked (or held) day, else its deadline (R-16)."""
    return facts.first_conversation_on or conversation.due


def _retention(rs: RuleSet, facts: CaseFacts) -> list[Deadline]:
    # A declined case is on the normal track: no Fast track retention meeting.
    if facts.declined:
        return []
    return [retention_meeting(rs, facts.first_absence_day, facts.request_date)]


def _employer_conversation(rs: RuleSet, facts: CaseFacts) -> list[Deadline]:
    if not facts.has_employer:
        return []
    return [
        employer_sick_absence_conversation(
            rs, facts.first_absence_day, leaves_within_8_weeks=facts.leaves_within_8_weeks
        )
    ]
