"""``fasttrack sweep`` marks what passed unmet, once."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions
from fasttrack.cases.sweep import sweep
from tests.cases.conftest import EMPLOYEE_ANSWERS, deadline


def _sweep_output() -> str:
    out = StringIO()
    call_command("sweep", stdout=out)
    return out.getvalue()


def test_it_marks_a_passed_deadline_missed_once(employer_request, travel):
    case = employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 6))
    travel(date(2026, 3, 10))
    assert _sweep_output() == "Marked 0 deadline(s) as missed.\n"

    travel(date(2026, 3, 11))
    assert _sweep_output() == "Marked 1 deadline(s) as missed.\n"
    events = CaseEvent.objects.filter(case=case, verb="deadline_missed")
    assert [(e.new["key"], e.actor_id) for e in events] == [("employee_consent", None)]
    assert deadline(case, "employee_consent").status == "missed"
    case.refresh_from_db()
    assert case.next_deadline_key == "first_followup_conversation"

    assert _sweep_output() == "Marked 0 deadline(s) as missed.\n"
    assert events.count() == 1


def test_it_never_marks_the_employers_own_conversation_r23(employer_request, personas, travel):
    case = employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 6))
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    assert sweep(today=date(2026, 4, 30)) == 2  # the conversation and the retention meeting
    assert deadline(case, "employer_sick_absence_conversation").status == "pending"


def test_it_keeps_missed_when_the_milestone_comes_late(employer_request, personas, travel):
    case = employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 6))
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    sweep(today=date(2026, 3, 21))
    assert deadline(case, "first_followup_conversation").status == "missed"

    travel(date(2026, 3, 23))
    meeting = actions.book_meeting(
        case=case,
        actor=personas.sagsbehandler,
        kind="first_conversation",
        starts_at=actions.timezone.now() + timedelta(hours=1),
    )
    actions.record_meeting_held(
        case=case,
        actor=personas.sagsbehandler,
        meeting=meeting,
        held_on=date(2026, 3, 23),
        minutes="",
    )

    row = deadline(case, "first_followup_conversation")
    assert (row.status, row.met_on) == ("missed", date(2026, 3, 23))
