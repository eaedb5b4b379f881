"""Marks the deadlines that passed without being met and reminds before the coming ones
(``fasttrack sweep``).

Idempotent, and safe to run from several processes at once on PostgreSQL:
each case is handled by whichever sweep gets its lock first.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from fasttrack.cases.actions import mark_missed_deadlines, send_deadline_reminders
from fasttrack.cases.clock import INFORMATIONAL_KEYS
from fasttrack.cases.models import CaseDeadline, DeadlineStatus
from fasttrack.documents.actions import send_plan_evaluation_reminders


def sweep(*, today: date | None = None) -> int:
    """Mark every overdue pending deadline missed; how many were marked."""
    today = today or timezone.localdate()
    case_ids = (
        CaseDeadline.objects.filter(status=DeadlineStatus.PENDING, due_on__lt=today)
        .exclude(key__in=INFORMATIONAL_KEYS)
        .values_list("case_id", flat=True)
        .distinct()
        .order_by("case_id")
    )
    # One transaction per case: a long sweep never holds many locks at once.
    return sum(mark_missed_deadlines(case_id=case_id, today=today) for case_id in list(case_ids))


# Far enough ahead to cover the longest reminder across Easter's closing days.
_REMINDER_HORIZON_DAYS = 14


def send_reminders(*, today: date | None = None) -> int:
    """Send the reminders due today before coming deadlines and plan evaluations
    (R-20); how many letters."""
    today = today or timezone.localdate()
    case_ids = (
        CaseDeadline.objects.filter(
            status=DeadlineStatus.PENDING,
            due_on__gt=today,
            due_on__lte=today + timedelta(days=_REMINDER_HORIZON_DAYS),
        )
        .values_list("case_id", flat=True)
        .distinct()
        .order_by("case_id")
    )
    sent = sum(send_deadline_reminders(case_id=case_id, today=today) for case_id in list(case_ids))
    return sent + send_plan_evaluation_reminders(today=today)
