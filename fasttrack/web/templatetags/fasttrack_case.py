"""Shared filters and tags for case pages and lists: deadlines and the history.

Every status is shown as text inside a DKFDS badge, never by colour alone
(WCAG 1.4.1), and every date count comes from the rules' own functions so a
page never counts days differently from the legal clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from fasttrack.audit.models import CaseEvent
from fasttrack.audit.verbs import EventVerb
from fasttrack.cases.clock import INFORMATIONAL_KEYS
from fasttrack.cases.models import DEADLINE_KEY_CHOICES, DeadlineStatus, Outcome
from fasttrack.cases.states import Action, State, can
from fasttrack.documents.models import RetentionPlanRequestState, StatementState
from fasttrack.formats.dates import as_date, as_datetime, as_weekday_date
from fasttrack.lib.rules.bankdays import (
    banking_days_between,
    is_banking_day,
    last_banking_day_before,
)
from fasttrack.meetings.models import MeetingKind
from fasttrack.people.models import EMPLOYER_ROLES, Role
from fasttrack.plans.models import MeasureKind, PlanVersion

register = template.Library()

_DEADLINE_LABELS = {key: label for key, label in DEADLINE_KEY_CHOICES}

_STATUS_BADGE = {
    DeadlineStatus.PENDING: "badge-info",
    DeadlineStatus.MET: "badge-success",
    DeadlineStatus.MISSED: "badge-error",
    DeadlineStatus.NOT_APPLICABLE: "",
}


class Urgency:
    """How pressing a case's next deadline is, as the worklist marks it."""

    OVERDUE = "overdue"
    SOON = "soon"
    LATER = "later"
    NONE = "none"


# Within this many banking days a deadline counts as "due soon" on the worklist.
SOON_BANKING_DAYS = 2


@dataclass(frozen=True)
class UrgencyMark:
    key: str
    label: str
    badge: str


def urgency_of(due: date | None, *, overdue: bool, today: date) -> UrgencyMark:
    """Overdue, due within 2 banking days, later, or no deadline at all."""
    if overdue or (due is not None and due < today):
        # Translators: worklist mark, Danish "Overskredet".
        return UrgencyMark(Urgency.OVERDUE, gettext("Overdue"), "badge-error")
    if due is None:
        # Translators: worklist mark, Danish "Ingen frist".
        return UrgencyMark(Urgency.NONE, gettext("No deadline"), "")
    if banking_days_between(today, due) <= SOON_BANKING_DAYS:
        # Translators: worklist mark, Danish "Frist inden for 2 bankdage".
        return UrgencyMark(Urgency.SOON, gettext("Due within 2 banking days"), "badge-warning")
    # Translators: worklist mark, Danish "Senere".
    return UrgencyMark(Urgency.LATER, gettext("Later"), "badge-info")


@register.filter
def deadline_label(key: str) -> str:
    """The plain-language name of a deadline key."""
    return str(_DEADLINE_LABELS.get(key, key))


@register.simple_tag
def deadline_status_badge(status: str, met_on: date | None = None, key: str = "") -> SafeString:
    """A DKFDS badge saying the status in words (never colour only)."""
    label = str(DeadlineStatus(status).label)
    if status == DeadlineStatus.MET and met_on is not None and key in INFORMATIONAL_KEYS:
        # Translators: the employer's own conversation, Danish "Afholdt den %(date)s".
        label = gettext("Held on %(date)s") % {"date": as_date(met_on)}
    elif status == DeadlineStatus.MET and met_on is not None:
        label = gettext("Met on %(date)s") % {"date": as_date(met_on)}
    elif status == DeadlineStatus.MISSED and met_on is not None:
        # Reached, but after the due date: still a missed deadline (clock.py).
        label = gettext("Missed; reached on %(date)s") % {"date": as_date(met_on)}
    css = " ".join(filter(None, ["badge", _STATUS_BADGE.get(DeadlineStatus(status), "")]))
    return format_html('<span class="{}">{}</span>', css, label)


@register.simple_tag
def due_date(due: date | None, inline: bool = False) -> SafeString:
    """A deadline's day with its weekday, and the last banking day before it when the
    day itself is none (R-32): a calendar-day deadline is not moved, but the
    jobcentre can plan for the day before. ``inline`` for use inside a sentence."""
    if due is None:
        return format_html("–")
    day = as_weekday_date(due)
    if is_banking_day(due):
        return format_html('<span class="nowrap">{}</span>', day)
    before = as_weekday_date(last_banking_day_before(due))
    if inline:
        # Translators: R-32, inside a sentence; Danish "sidste bankdag før: %(day)s".
        hint = gettext("last banking day before: %(day)s") % {"day": before}
        return format_html(
            '<span class="nowrap">{}</span> <span data-banking-hint>({})</span>', day, hint
        )
    # Translators: R-32, Danish "Sidste bankdag før: %(day)s".
    hint = gettext("Last banking day before: %(day)s") % {"day": before}
    return format_html(
        '<span class="nowrap">{}</span><br><span class="small-text" data-banking-hint>{}</span>',
        day,
        hint,
    )


@register.simple_tag
def urgency_badge(mark: UrgencyMark) -> SafeString:
    css = " ".join(filter(None, ["badge", mark.badge]))
    return format_html('<span class="{}" data-urgency="{}">{}</span>', css, mark.key, mark.label)


@register.filter
def days_left(due: date | None, today: date | None = None) -> str:
    """'5 days left (3 banking days)', 'due today' or 'overdue by 2 days'."""
    if due is None:
        return ""
    today = today or timezone.localdate()
    days = (due - today).days
    if days < 0:
        return ngettext("overdue by %(days)s day", "overdue by %(days)s days", -days) % {
            "days": -days
        }
    if days == 0:
        return gettext("due today")
    banking = banking_days_between(today, due)
    calendar = ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days}
    banking_text = ngettext("%(count)s banking day", "%(count)s banking days", banking) % {
        "count": banking
    }
    return f"{calendar} ({banking_text})"


@register.filter
def measure_kind_label(kind: str) -> str:
    try:
        return str(MeasureKind(kind).label)
    except ValueError:
        return kind


@register.filter
def state_label(state: str) -> str:
    return str(State(state).label)


def _kind_label(value: Any) -> str:
    try:
        return str(MeetingKind(value).label)
    except ValueError:
        return str(value)


def _state_text(value: Any) -> str:
    try:
        return str(State(value).label)
    except ValueError:
        return str(value)


def _document_state_text(value: Any) -> str:
    labels = {**dict(RetentionPlanRequestState.choices), **dict(StatementState.choices)}
    return str(labels.get(value, value))


@register.filter
def event_summary(event: CaseEvent) -> str:
    """One sentence saying what the event changed, in plain language.

    Built from the event's stored values only; the history never holds health
    data or answer texts (actions.py), so nothing here can leak them.
    """
    new: dict[str, Any] = event.new or {}
    old: dict[str, Any] = event.old or {}
    verb = event.verb
    if verb in (EventVerb.DEADLINE_MET, EventVerb.DEADLINE_MISSED):
        return deadline_label(new.get("key", ""))
    if verb in (
        EventVerb.MEETING_BOOKED,
        EventVerb.MEETING_HELD,
        EventVerb.MEETING_REBOOKED,
        EventVerb.MEETING_CANCELLED,
    ):
        kind = new.get("kind")
        starts = new.get("starts_at")
        if kind and starts:
            return gettext("%(kind)s on %(when)s") % {
                "kind": _kind_label(kind),
                "when": as_datetime(_parse_datetime(starts)),
            }
        if new.get("held_on"):
            return gettext("Held on %(date)s") % {"date": _date_text(new["held_on"])}
        return ""
    if verb == EventVerb.CLOSED and new.get("outcome"):
        return gettext("Outcome: %(outcome)s") % {"outcome": _outcome_label(new["outcome"])}
    if verb == EventVerb.CERTIFICATE_REQUESTED and new.get("due_on"):
        return gettext("Due on %(date)s") % {"date": _date_text(new["due_on"])}
    if (old_state := old.get("document_state")) and new.get("document_state") != old_state:
        return gettext("%(old)s → %(new)s") % {
            "old": _document_state_text(old_state),
            "new": _document_state_text(new.get("document_state")),
        }
    if verb in (
        EventVerb.PLAN_RECORDED,
        EventVerb.PLAN_CONFIRMED,
        EventVerb.PLAN_COMMENTED,
    ) and new.get("version"):
        return gettext("Version %(number)s") % {"number": new["version"]}
    if "state" in new and old.get("state") and old["state"] != new["state"]:
        return gettext("%(old)s → %(new)s") % {
            "old": _state_text(old["state"]),
            "new": _state_text(new["state"]),
        }
    return ""


def _outcome_label(value: str) -> str:
    try:
        return str(Outcome(value).label)
    except ValueError:
        return value


def _date_text(value: str) -> str:
    return as_date(value) or value


def _parse_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value)


@dataclass(frozen=True)
class Confirmation:
    name: str
    at: datetime


@dataclass(frozen=True)
class PlanConfirmations:
    """Who confirmed the plan version for each side, and whether the viewer may now."""

    employee: Confirmation | None
    employer: Confirmation | None
    can_confirm: bool


def _confirmation(at: datetime | None, by: Any) -> Confirmation | None:
    if at is None:
        return None
    name = (by.get_full_name() or by.get_username()) if by is not None else ""
    return Confirmation(name=name, at=at)


@register.simple_tag
def plan_confirmations(case: Any, plan: PlanVersion, role: Role | str) -> PlanConfirmations:
    """The confirmations of ``plan``, the current version of ``case``'s plan (R-20)."""
    employee = _confirmation(plan.employee_confirmed_at, plan.employee_confirmed_by)
    employer = _confirmation(plan.employer_confirmed_at, plan.employer_confirmed_by)
    if role == Role.EMPLOYEE:
        own = employee
    elif role in EMPLOYER_ROLES:
        own = employer
    else:
        return PlanConfirmations(employee, employer, can_confirm=False)
    return PlanConfirmations(
        employee, employer, can_confirm=own is None and can(case.state, Action.CONFIRM_PLAN)
    )
