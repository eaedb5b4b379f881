"""Two requests at the same moment on PostgreSQL: the row lock decides (DESIGN.md §5.2)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

import pytest
from django.db import connection, connections

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions
from fasttrack.cases.errors import InvalidTransition
from fasttrack.cases.models import CaseDeadline, CaseNotice, FastTrackCase
from fasttrack.cases.sweep import send_reminders, sweep
from fasttrack.documents import actions as documents
from fasttrack.documents.models import RetentionPlanRequest
from fasttrack.notifications.models import Message
from tests.cases.conftest import EMPLOYEE_ANSWERS

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` in threads released together; each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_it_lets_exactly_one_of_accept_and_decline_win(employer_request, personas):
    case = employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 6))

    results = _race(
        lambda: actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS),
        lambda: actions.decline(case=case, actor=personas.janni),
    )

    losers = [r for r in results if isinstance(r, Exception)]
    assert len(losers) == 1, results
    assert isinstance(losers[0], InvalidTransition)
    consent_events = CaseEvent.objects.filter(case=case, verb__in=["accepted", "declined"])
    assert consent_events.count() == 1


def test_it_marks_each_missed_deadline_once_from_two_sweeps(employer_request, personas, travel):
    cases = []
    for cpr in ("1203814562", "0507762213", "0204751350"):
        cases.append(
            employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 6), cpr=cpr)
        )

    results = _race(lambda: sweep(today=date(2026, 4, 10)), lambda: sweep(today=date(2026, 4, 10)))

    missed = CaseDeadline.objects.filter(status="missed").count()
    assert sum(results) == missed == 3 * 3  # consent, first conversation, retention meeting
    assert CaseEvent.objects.filter(verb="deadline_missed").count() == missed


def test_it_sends_each_reminder_and_notice_once_from_two_sweeps(employer_request, personas, travel):
    cases = []
    for cpr in ("1203814562", "0507762213", "0204751350"):
        case = employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 2), cpr=cpr)
        actions.assign_caseworker(case=case, actor=personas.sagsbehandler)
        cases.append(case)
    # Consent due 4 March is reminded on the 3rd; the first conversation (16 March)
    # is reminded, unbooked, to the caseworker on the 12th and the 13th.
    days = (date(2026, 3, 3), date(2026, 3, 12), date(2026, 3, 13))

    sent_today: list[int] = []
    for day in days:
        travel(day)
        results = _race(partial(send_reminders, today=day), partial(send_reminders, today=day))
        assert all(isinstance(result, int) for result in results), results
        # Each letter and notice is counted by the sweep that wrote it, once.
        sent_today.append(sum(results))

    keys = list(Message.objects.values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys))
    soon = CaseNotice.objects.filter(kind="deadline_soon")
    assert soon.count() == 2 * 3
    reminders = Message.objects.filter(kind="deadline_reminder")
    # Per case: the consent's reminder (Janni's inbox, the others' Digital Post),
    # and the caseworker's letter for each notice.
    assert reminders.count() == 3 + 2 * 3
    # The sweeps count the parties' letters and the notices (a notice's own letter
    # to the caseworker goes with it): each once, whichever sweep wrote it.
    assert sum(sent_today) == 3 + soon.count()


def test_it_makes_one_case_of_two_requests_for_one_absence_r05(demo_world, personas, travel):
    travel(date(2026, 3, 6))

    def request():
        return actions.request_fast_track(
            actor=personas.hr,
            person=demo_world.persons["1203814562"],
            employer=demo_world.employers["29887659"],
            first_absence_day=date(2026, 3, 2),
            expects_over_8_weeks=True,
            answers={},
            requested_by="employer",
            channel="api",
        )

    results = _race(request, request)

    assert sorted(created for _, created in results) == [False, True], results
    assert results[0][0].pk == results[1][0].pk
    assert CaseEvent.objects.filter(verb="requested").count() == 1


def test_it_reminds_and_tells_of_each_document_once_from_two_sweeps(
    employer_request, personas, travel
):
    cases = []
    for cpr in ("1203814562", "0507762213", "0204751350"):
        case = employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 2), cpr=cpr)
        actions.assign_caseworker(case=case, actor=personas.sagsbehandler)
        # Only the state matters to the sweep: the employees have no login to accept with.
        FastTrackCase.objects.filter(pk=case.pk).update(state="active")
        RetentionPlanRequest.objects.create(
            case=case,
            requested_by=personas.hr,
            requested_on=date(2026, 3, 17),
            answer_due_on=date(2026, 4, 14),
        )
        cases.append(case)
    case_ids = [case.pk for case in cases]
    # Reminded on Friday 10 April (Monday and Tuesday left); overdue on Wednesday 15 April.
    sent = []
    for day in (date(2026, 4, 10), date(2026, 4, 15)):
        travel(day)
        step = partial(documents.send_document_reminders_of, case_ids=case_ids, today=day)
        results = _race(step, step)
        assert all(isinstance(result, int) for result in results), results
        sent.append(sum(results))

    keys = list(Message.objects.values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys))
    overdue = CaseNotice.objects.filter(kind="document_overdue")
    assert overdue.count() == 3
    reminders = Message.objects.filter(kind="retention_plan_answer_soon")
    assert reminders.count() >= 3
    employees = Message.objects.filter(kind="retention_plan_answer_overdue")
    assert sent == [reminders.count(), overdue.count() + employees.count()]


def test_two_sweeps_remind_of_a_plans_evaluation_once(employer_request, personas, travel):
    case = employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 2))
    actions.assign_caseworker(case=case, actor=personas.sagsbehandler)
    FastTrackCase.objects.filter(pk=case.pk).update(state="active")
    actions.record_plan(
        case=case,
        actor=personas.sagsbehandler,
        summary="Delvis sygemelding.",
        measures=[{"kind": "treatment", "description": "Fysioterapi", "owner": "Janni"}],
        partial_leave_hours_per_week=20,
        evaluate_on=date(2026, 4, 27),
    )
    travel(date(2026, 4, 20))
    step = partial(documents.send_plan_evaluation_reminders, today=date(2026, 4, 20))

    results = _race(step, step)

    # Neither sweep fails on the other's letters: one writes them, the other skips
    # the case it holds (or finds them written).
    assert all(isinstance(result, int) for result in results), results
    letters = Message.objects.filter(kind="plan_evaluation_soon")
    assert sum(results) == letters.count() > 0
