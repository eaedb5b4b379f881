"""The sweep handles its cases in chunks whose statements do not grow with their size
(issue 16: a national database's sweep in seconds, not minutes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import pairwise
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fasttrack.audit.models import CaseEvent
from fasttrack.audit.verify import verify_history
from fasttrack.bulk import update_rows
from fasttrack.cases import actions
from fasttrack.cases.models import CaseDeadline, CaseNotice, FastTrackCase
from fasttrack.notifications.models import Message
from fasttrack.people.models import Employment, Person

D0 = date(2026, 3, 2)
REQUESTED = date(2026, 3, 2)
# Consent due Wednesday 4 March: its reminder goes out on Tuesday 3 March.
REMINDER_DAY = date(2026, 3, 3)
# Consent (4 March) and the first conversation (16 March) have passed unmet.
MISSED_DAY = date(2026, 3, 20)


@pytest.fixture
def many_cases(
    demo_world: Any, personas: Any, travel: Callable[[date], None]
) -> Callable[[int], list[FastTrackCase]]:
    """``n`` employer requests for new employees of Nordisk Fabrik, each taken by the
    demo caseworker (so that the jobcentre's notices become letters too)."""
    serial = iter(range(1, 1000))

    def make(n: int) -> list[FastTrackCase]:
        travel(REQUESTED)
        cases = []
        for _ in range(n):
            number = next(serial)
            person = Person(
                name=f"Medarbejder {number}",
                municipality=demo_world.municipalities["101"],
                clinic=next(iter(demo_world.clinics.values())),
            )
            person.cpr = f"0101{number % 100:02d}4{number:03d}"
            person.save()
            Employment.objects.create(person=person, employer=demo_world.employers["29887659"])
            case, _created = actions.request_fast_track(
                actor=personas.hr,
                person=person,
                employer=demo_world.employers["29887659"],
                first_absence_day=D0,
                expects_over_8_weeks=True,
                answers={
                    "affected_functions": "Tunge løft.",
                    "affected_duration": "Tre uger.",
                    "adjustments_tried": "Kortere vagter.",
                },
                requested_by="employer",
                channel="web",
            )
            actions.assign_caseworker(case=case, actor=personas.sagsbehandler)
            cases.append(case)
        return cases

    return make


def _statements(call: Callable[[], int]) -> tuple[int, int]:
    """How many statements ``call`` made, and what it returned.

    One bulk insert counts once: SQLite takes at most 999 parameters per
    statement, so Django sends a large one there as several INSERTs in a row.
    """
    with CaptureQueriesContext(connection) as captured:
        result = call()
    statements = [query["sql"] for query in captured.captured_queries]
    repeated = sum(
        1
        for before, after in pairwise(statements)
        if after.startswith("INSERT") and _table(after) == _table(before)
    )
    return len(statements) - repeated, result


def _table(sql: str) -> str:
    return sql.split()[2] if sql.startswith("INSERT") else ""


def test_it_marks_30_cases_missed_in_as_many_statements_as_3(many_cases):
    few, more = many_cases(3), many_cases(30)

    statements_few, marked_few = _statements(
        lambda: actions.mark_missed_deadlines_of(case_ids=[c.pk for c in few], today=MISSED_DAY)
    )
    statements_more, marked_more = _statements(
        lambda: actions.mark_missed_deadlines_of(case_ids=[c.pk for c in more], today=MISSED_DAY)
    )

    # Consent and the first conversation, per case.
    assert (marked_few, marked_more) == (3 * 2, 30 * 2)
    assert statements_few == statements_more
    # Every case's history, notices and letters, as one case at a time left them.
    assert verify_history([c.pk for c in few + more]).ok
    for case in few + more:
        assert CaseEvent.objects.filter(case=case, verb="deadline_missed").count() == 2
        assert set(
            CaseNotice.objects.filter(case=case, kind="deadline_missed").values_list(
                "key", flat=True
            )
        ) == {"missed:employee_consent:2026-03-04", "missed:first_followup_conversation:2026-03-16"}
        assert Message.objects.filter(case_id=case.pk, kind="deadline_missed").count() == 2
        case.refresh_from_db()
        assert case.next_deadline_key == "retention_meeting"
    assert not CaseDeadline.objects.filter(
        case__in=few + more, status="pending", due_on__lt=MISSED_DAY
    ).exclude(key="employer_sick_absence_conversation")


def test_it_reminds_30_cases_in_as_many_statements_as_3(many_cases, travel):
    few, more = many_cases(3), many_cases(30)
    travel(REMINDER_DAY)

    statements_few, sent_few = _statements(
        lambda: actions.send_deadline_reminders_of(case_ids=[c.pk for c in few], today=REMINDER_DAY)
    )
    statements_more, sent_more = _statements(
        lambda: actions.send_deadline_reminders_of(
            case_ids=[c.pk for c in more], today=REMINDER_DAY
        )
    )

    # The consent's reminder by Digital Post: none of them has a login.
    assert (sent_few, sent_more) == (3, 30)
    assert statements_few == statements_more
    reminders = Message.objects.filter(kind="deadline_reminder")
    assert sorted(reminders.values_list("dedupe_key", flat=True)) == sorted(
        f"case:{case.pk}:deadline_reminder:person:{case.absence.person_id}:digital_post"
        f":employee_consent:2026-03-04:1"
        for case in few + more
    )
    assert all(message.task_id for message in reminders)

    # Nothing twice.
    actions.send_deadline_reminders_of(case_ids=[c.pk for c in few + more], today=REMINDER_DAY)
    assert reminders.count() == 33


def test_it_writes_many_rows_values_nulls_included(employer_request):
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    rows = list(CaseDeadline.objects.filter(case=case).order_by("pk"))
    for number, row in enumerate(rows):
        row.status = "missed" if number % 2 else "met"
        row.met_on = None if number % 2 else date(2026, 3, 10 + number)
        row.due_on = None if number == 0 else date(2026, 4, number)

    update_rows(rows, ["status", "met_on", "due_on"])

    stored = {row.pk: row for row in CaseDeadline.objects.filter(case=case)}
    assert [(stored[r.pk].status, stored[r.pk].met_on, stored[r.pk].due_on) for r in rows] == [
        (r.status, r.met_on, r.due_on) for r in rows
    ]
    update_rows([], ["status"])  # nothing to write: no statement, no error
