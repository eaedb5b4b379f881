"""Plain-language status of a case for the employer, the manager and the employee.

The case page and the worklists speak to the jobcentre; these words speak to a
person who has never seen the system: what the case's state means and what
happens next, who acts and by when. They read what the case engine computed
(state, deadline rows, meetings) and decide no rule themselves.

Works on cases fetched with ``cases_for(user)`` and prefetched deadlines and
meetings, so a list needs no query per case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import template
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fasttrack.cases.access import cases_for
from fasttrack.cases.clock import INFORMATIONAL_KEYS
from fasttrack.cases.models import CaseDeadline, DeadlineStatus, FastTrackCase
from fasttrack.cases.queries import employer_view_of_deadlines
from fasttrack.cases.states import State
from fasttrack.formats.dates import as_date, as_weekday_datetime
from fasttrack.lib.rules import DeadlineKey
from fasttrack.meetings.models import Meeting, MeetingKind, MeetingState
from fasttrack.people.models import EMPLOYER_ROLES, Role

register = template.Library()

# The employer side never learns that a doctor was asked.
_HIDDEN_FROM_EMPLOYER = frozenset({DeadlineKey.MEDICAL_CERTIFICATE.value})


def party_cases(user: Any) -> QuerySet[FastTrackCase]:
    """The user's cases (R-28) with what ``status_for`` reads, most urgent first."""
    return (
        cases_for(user)
        .select_related("absence__person", "absence__employer", "consent")
        .prefetch_related("deadlines", "meetings")
    )


def is_employer_side(role: Role | str) -> bool:
    return Role(role) in EMPLOYER_ROLES


def deadlines_shown_to(role: Role | str, case: FastTrackCase) -> list[CaseDeadline]:
    """The case's deadlines that ``role`` may see, earliest first (uses the prefetch)."""
    rows = sorted(case.deadlines.all(), key=lambda row: (row.due_on or date.max, row.pk))
    if is_employer_side(role):
        rows = [row for row in rows if row.key not in _HIDDEN_FROM_EMPLOYER]
        # The same as when the register knew the employee.
        rows = employer_view_of_deadlines(case, rows)
    return rows


def _deadline(case: FastTrackCase, key: str) -> CaseDeadline | None:
    return next((row for row in case.deadlines.all() if row.key == key), None)


def _next_pending(role: Role | str, case: FastTrackCase) -> CaseDeadline | None:
    for row in deadlines_shown_to(role, case):
        if (
            row.status == DeadlineStatus.PENDING
            and row.due_on
            and row.key not in INFORMATIONAL_KEYS
        ):
            return row
    return None


def _booked(case: FastTrackCase, kind: MeetingKind) -> Meeting | None:
    booked = [m for m in case.meetings.all() if m.kind == kind and m.state == MeetingState.BOOKED]
    return min(booked, key=lambda m: m.starts_at, default=None)


def _day(value: date | None) -> str:
    return as_date(value)


def _moment(meeting: Meeting) -> str:
    return as_weekday_datetime(meeting.starts_at)


@dataclass(frozen=True)
class Status:
    """What the case's state means to this person, and what happens next."""

    label: str
    # DKFDS badge modifier; the label always says it in words too.
    tone: str
    next_step: str
    who_acts: str


def status_for(role: Role | str, case: FastTrackCase, *, today: date | None = None) -> Status:
    today = today or timezone.localdate()
    employer_side = is_employer_side(role)
    # The employer side reads the name it gave.
    name = case.employee_name_for_employer if employer_side else case.absence.person.name
    state = State(case.state)
    if state == State.AWAITING_CONSENT:
        return _awaiting_consent(case, employer_side=employer_side, name=name, today=today)
    if state == State.ACTIVE:
        return _active(role, case, employer_side=employer_side)
    if state == State.DECLINED:
        conversation = _deadline(case, DeadlineKey.FIRST_FOLLOWUP_CONVERSATION)
        due = conversation.due_on if conversation and conversation.status == "pending" else None
        if employer_side:
            text = _("%(name)s said no to Fast track. The jobcentre follows up in the usual way.")
        else:
            text = _("You said no to Fast track. The jobcentre follows up in the usual way.")
        if due:
            # Translators: Danish "Første samtale med jobcentret senest %(due)s (uge 8)."
            text += " " + _("First conversation with the jobcentre by %(due)s (end of week 8).")
        return Status(
            _("Normal track"),
            "badge-info",
            text % {"name": name, "due": _day(due)},
            _("The jobcentre"),
        )
    if state == State.WITHDRAWN:
        return Status(
            _("Withdrawn"),
            "badge-info",
            _("The request was withdrawn. Nothing more happens in Fast track."),
            _("No one"),
        )
    return Status(
        _("Closed"),
        "badge-success",
        _("Fast track ended on %(closed_on)s: %(outcome)s.")
        % {"closed_on": _day(case.closed_on), "outcome": case.get_outcome_display()},
        _("No one"),
    )


def _awaiting_consent(
    case: FastTrackCase, *, employer_side: bool, name: str, today: date
) -> Status:
    consent = getattr(case, "consent", None)
    deadline = next(
        (
            row
            for row in deadlines_shown_to(Role.EMPLOYER if employer_side else Role.EMPLOYEE, case)
            if row.key == DeadlineKey.EMPLOYEE_CONSENT
        ),
        None,
    )
    due = deadline.due_on if deadline else None
    if consent is not None:
        # Accepted after the deadline: the caseworker decides.
        text = (
            _("The jobcentre decides whether Fast track can go ahead.")
            if employer_side
            else _(
                "You said yes after the deadline. The jobcentre decides whether Fast track "
                "can go ahead, and tells you."
            )
        )
        return Status(_("Awaiting the jobcentre"), "badge-warning", text, _("The jobcentre"))
    if due is not None and due < today:
        text = (
            _(
                "%(name)s did not answer by %(due)s. The jobcentre decides whether Fast track "
                "can still go ahead."
            )
            if employer_side
            else _(
                "The deadline for your answer was %(due)s. You can still answer; the jobcentre "
                "then decides whether Fast track can go ahead."
            )
        )
        return Status(
            _("Answer overdue"),
            "badge-warning",
            text % {"name": name, "due": _day(due)},
            _("The jobcentre"),
        )
    if employer_side:
        return Status(
            _("Awaiting the employee's answer"),
            "badge-info",
            _("%(name)s decides whether to say yes to Fast track, at the latest %(due)s.")
            % {"name": name, "due": _day(due)},
            _("The employee"),
        )
    return Status(
        _("Awaiting your answer"),
        "badge-warning",
        _("Answer your employer's request for Fast track at the latest %(due)s.")
        % {"due": _day(due)},
        _("You"),
    )


def _active(role: Role | str, case: FastTrackCase, *, employer_side: bool) -> Status:
    label = _("Fast track running")
    pending = _next_pending(role, case)
    key = pending.key if pending else ""
    due = _day(pending.due_on) if pending else ""
    if key == DeadlineKey.FIRST_FOLLOWUP_CONVERSATION:
        meeting = _booked(case, MeetingKind.FIRST_CONVERSATION)
        if meeting is not None:
            text = _("The first conversation with the jobcentre is on %(when)s, %(where)s.") % {
                "when": _moment(meeting),
                "where": meeting.location or _("by video"),
            }
        else:
            text = (
                _("The jobcentre holds the first conversation with %(name)s by %(due)s.")
                if employer_side
                else _("The jobcentre contacts you for the first conversation, by %(due)s.")
            ) % {"name": case.employee_name_for_employer, "due": due}
        return Status(label, "badge-success", text, _("The jobcentre"))
    if key == DeadlineKey.MEDICAL_CERTIFICATE:
        return Status(
            label,
            "badge-success",
            _("Your doctor sends a medical certificate to the jobcentre by %(due)s.")
            % {"due": due},
            _("Your doctor"),
        )
    if key == DeadlineKey.RETENTION_MEETING:
        meeting = _booked(case, MeetingKind.RETENTION_MEETING)
        if meeting is not None:
            text = _("Retention meeting at the workplace on %(when)s, %(where)s.") % {
                "when": _moment(meeting),
                "where": meeting.location or _("by video"),
            }
        else:
            text = _(
                "The jobcentre arranges a retention meeting at the workplace, aiming for %(due)s."
            ) % {"due": due}
        return Status(label, "badge-success", text, _("The jobcentre"))
    return Status(
        label,
        "badge-success",
        _("Everyone follows the plan; the jobcentre follows up on it."),
        _("Everyone in the plan"),
    )


@register.simple_tag
def case_status(role: Role | str, case: FastTrackCase) -> Status:
    """``{% case_status role case as status %}``: label, tone, next_step, who_acts."""
    return status_for(role, case)


@register.simple_tag
def visible_deadlines(role: Role | str, case: FastTrackCase) -> list[CaseDeadline]:
    return deadlines_shown_to(role, case)
