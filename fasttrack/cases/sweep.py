"""Marks the deadlines that passed without being met and reminds before the coming ones
(``fasttrack sweep``).

Idempotent, and safe to run from several processes at once on PostgreSQL:
each case is handled by whichever sweep gets its lock first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from fasttrack.cases.actions import (
    mark_missed_deadlines_of,
    reminder_horizon,
    send_deadline_reminders_of,
)
from fasttrack.cases.clock import INFORMATIONAL_KEYS
from fasttrack.cases.models import CaseDeadline, DeadlineStatus
from fasttrack.cases.states import State
from fasttrack.documents.actions import (
    cases_with_documents_due,
    send_document_reminders_of,
    send_plan_evaluation_reminders,
)

# Cases per transaction: large enough that the statements per chunk (a fixed
# number, whatever its size) cost little per case, small enough that a chunk's
# locks, rows and letters stay small and a second sweep finds other chunks free.
CHUNK = 500


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
    return sum(
        _without_waiting_for_the_disk(mark_missed_deadlines_of, case_ids=chunk, today=today)
        for chunk in _chunks(list(case_ids))
    )


def send_reminders(*, today: date | None = None) -> int:
    """Send the reminders due today before coming deadlines, plan evaluations (R-20)
    and the documents' due days (R-24), and tell of the documents that passed
    unanswered; how many letters and notices.

    Only the cases that can have one are visited: a pending deadline counted
    from before today that lies at most the longest reminder's banking days
    ahead (every day before the next banking day after that has as many banking
    days left), on a case that is neither closed nor withdrawn. The rest of a
    national database is never read. The documents' cases are found the same
    way (``cases_with_documents_due``).
    """
    today = today or timezone.localdate()
    horizon = reminder_horizon(today)
    case_ids = (
        CaseDeadline.objects.filter(
            status=DeadlineStatus.PENDING,
            due_on__gt=today,
            due_on__lt=horizon,
            counts_from__lt=today,
        )
        .exclude(case__state__in=(State.CLOSED, State.WITHDRAWN))
        .values_list("case_id", flat=True)
        .distinct()
        .order_by("case_id")
    )
    sent = sum(
        _without_waiting_for_the_disk(send_deadline_reminders_of, case_ids=chunk, today=today)
        for chunk in _chunks(list(case_ids))
    )
    sent += sum(
        _without_waiting_for_the_disk(send_document_reminders_of, case_ids=chunk, today=today)
        for chunk in _chunks(cases_with_documents_due(today))
    )
    return sent + send_plan_evaluation_reminders(today=today)


def _chunks(case_ids: list[int]) -> Iterator[list[int]]:
    """``case_ids`` in chunks of ``CHUNK``, one transaction each: a long sweep never
    holds many locks at once, and a case another sweep holds is left to it."""
    for start in range(0, len(case_ids), CHUNK):
        yield case_ids[start : start + CHUNK]


def _without_waiting_for_the_disk(step: Callable[..., int], **arguments: Any) -> int:
    """``step`` in a transaction whose commit does not wait for the disk (PostgreSQL).

    The sweep commits once per chunk of cases, and waiting for each commit to reach the
    disk was most of its time. A crash can lose the last moments of commits,
    never part of one, and the sweep is idempotent: the next run (every
    minute, by the worker) does them again, letters included, as their dedupe
    keys were never written.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        return step(**arguments)
