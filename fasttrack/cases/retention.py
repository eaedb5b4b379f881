"""Erasing ended cases at the end of their retention (RULES.md R-31).

A case that has ended (closed, declined or withdrawn, with no normal-track
deadline still pending) is kept for ``CLOSED_CASE_RETENTION_YEARS`` whole
years after the year it ended, then erased with everything that hangs on it:
answers, consent, deadlines, certificate requests and certificates, meetings,
plans, journal notes, notices, its letters and inbox items, and its history.

The history goes as a whole chain (each case has its own), so every chain that
remains is still whole and ``fasttrack audit verify`` still passes. What was
erased is recorded as a kind and a count by ``fasttrack purge``, never content.
The person stays: it is the citizen register's and the employer's, and may
have other cases; the access log about them keeps its own retention.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from fasttrack.audit.models import CaseEvent
from fasttrack.cases.models import Absence, FastTrackCase
from fasttrack.cases.states import TERMINAL_STATES
from fasttrack.notifications.models import DigitalPostDelivery, Message

DEFAULT_RETENTION_YEARS = 5


def retention_years() -> int:
    return int(getattr(settings, "CLOSED_CASE_RETENTION_YEARS", DEFAULT_RETENTION_YEARS))


def erase_before(today: date, years: int) -> date:
    """Cases that ended before this day are past retention: ``years`` whole
    years are kept after the year a case ended (ended 2020, 5 years: kept to
    the end of 2025, erased from 1 January 2026)."""
    return date(today.year - years, 1, 1)


def cases_past_retention(*, before: date) -> QuerySet[FastTrackCase]:
    """Ended cases that ended before ``before``.

    A closed case ended on its closing day; a declined or withdrawn one on its
    last event. A declined case whose normal-track conversation is still
    pending (R-13) has not ended.
    """
    start_of_day = datetime.combine(before, time.min, tzinfo=UTC)
    later_event = CaseEvent.objects.filter(case=OuterRef("pk"), at__gte=start_of_day)
    return (
        FastTrackCase.objects.filter(state__in=TERMINAL_STATES, next_deadline_on__isnull=True)
        .filter(Q(closed_on__lt=before) | (Q(closed_on__isnull=True) & ~Exists(later_event)))
        .order_by("pk")
    )


def erase_case(case_id: int, *, before: date) -> bool:
    """Erase one case and all that hangs on it, in one transaction; whether it was
    erased (not when it is gone already or no longer past retention)."""
    with transaction.atomic():
        # Locked first, then checked again: a case reopened or changed since
        # the list was read is not erased.
        case = FastTrackCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not cases_past_retention(before=before).filter(pk=case_id).exists():
            return False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Read by the append-only trigger (audit migration 0008); local
                # to this transaction.
                cursor.execute(
                    "SELECT set_config('fasttrack.erasing_case', %s, true)", [str(case.pk)]
                )
        CaseEvent.objects.filter(case_id=case.pk).erase_with_case()
        # Letters and their inbox items (cascade) name the person, and so does
        # the fake Digital Post's copy of what it would have sent.
        DigitalPostDelivery.objects.filter(message__case_id=case.pk).delete()
        Message.objects.filter(case_id=case.pk).delete()
        absence_id = case.absence_id
        case.delete()
        Absence.objects.filter(pk=absence_id).delete()
    return True


def erase_ended_cases(*, before: date) -> int:
    """Erase every case that ended before ``before``, one transaction per case; how many."""
    ids = list(cases_past_retention(before=before).values_list("pk", flat=True))
    return sum(erase_case(case_id, before=before) for case_id in ids)
