"""The benchmark's generated world agrees with the application's own clock (bench/generate.py).

A generated case must hold exactly the deadlines and records that
``clock.recompute_deadlines`` derives from its state and history, as yesterday's
sweep left them, so that today's sweep has realistic work and a second sweep none.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction

from bench.generate import ID_BASE, generate
from fasttrack.audit.models import CaseEvent
from fasttrack.audit.verify import verify_history
from fasttrack.cases.clock import recompute_deadlines
from fasttrack.cases.models import CaseDeadline, CaseNotice, DeadlineStatus, FastTrackCase
from fasttrack.cases.states import State
from fasttrack.cases.sweep import send_reminders, sweep
from fasttrack.notifications.models import Message

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the generator needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

TODAY = date(2026, 12, 7)  # a Monday: Friday's deadlines and the weekend's lie behind
CASES = 800
DAYS = 200  # every state: a few awaiting consent, ten weeks active, the rest closed


class _Rollback(Exception):
    pass


def _deadlines(case: FastTrackCase) -> list[tuple[Any, ...]]:
    return sorted(
        CaseDeadline.objects.filter(case=case).values_list(
            "key", "due_on", "counts_from", "status", "met_on", "basis", "rule_id", "legal"
        )
    )


def _recomputed(case: FastTrackCase) -> tuple[list[tuple[Any, ...]], Any, Any]:
    """The case's deadlines and next deadline after ``recompute_deadlines``, rolled back."""
    try:
        with transaction.atomic():
            case = FastTrackCase.objects.select_related("absence").get(pk=case.pk)
            recomputed = recompute_deadlines(case, today=TODAY)
            assert (recomputed.statuses, recomputed.moved) == ([], [])
            result = (_deadlines(case), case.next_deadline_on, case.next_deadline_key)
            raise _Rollback
    except _Rollback:
        pass
    return result


def _counts() -> tuple[int, ...]:
    return (
        Message.objects.count(),
        CaseNotice.objects.count(),
        CaseEvent.objects.count(),
        CaseDeadline.objects.filter(status=DeadlineStatus.MISSED).count(),
    )


def test_the_world_is_what_the_clock_computes_and_a_second_sweep_has_nothing_to_do() -> None:
    generate(cases=CASES, fresh=10, today=TODAY, days=DAYS)
    generated = FastTrackCase.objects.filter(pk__gt=ID_BASE)
    assert generated.count() == CASES
    # The hash chains, made in SQL, are the ones the audit check recomputes.
    report = verify_history(generated.values_list("pk", flat=True))
    assert (report.ok, report.cases) == (True, CASES)
    for state in State:
        ids = list(generated.filter(state=state).order_by("pk").values_list("pk", flat=True))
        if state in (
            State.AWAITING_CONSENT,
            State.ACTIVE,
            State.DECLINED,
            State.WITHDRAWN,
            State.CLOSED,
        ):
            assert ids, f"no generated case is {state}"
        # Every few of each state, employers' and employees' requests alike.
        for pk in ids[:: max(1, len(ids) // 25)]:
            case = FastTrackCase.objects.get(pk=pk)
            before = (_deadlines(case), case.next_deadline_on, case.next_deadline_key)
            assert _recomputed(case) == before, f"case {pk} ({state})"
    # Realistic work for today: yesterday's deadlines are still pending.
    assert (
        CaseDeadline.objects.filter(
            status=DeadlineStatus.PENDING, due_on__lt=TODAY, case__state=State.ACTIVE
        )
        .exclude(key="employer_sick_absence_conversation")
        .exists()
    )

    first = sweep(today=TODAY)
    send_reminders(today=TODAY)
    after_first = _counts()

    assert first > 0
    assert sweep(today=TODAY) == 0
    send_reminders(today=TODAY)
    assert _counts() == after_first
