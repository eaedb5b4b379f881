"""Marks the deadlines that passed without being met (``fasttrack sweep``).

Idempotent, and safe to run from several processes at once on PostgreSQL:
each case is handled by whichever sweep gets its lock first.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from fasttrack.cases.actions import mark_missed_deadlines
from fasttrack.cases.clock import INFORMATIONAL_KEYS
from fasttrack.cases.models import CaseDeadline, DeadlineStatus


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
