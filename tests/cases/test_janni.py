"""Janni's case from request to close, through the actions only (DESIGN.md §5.2)."""

from __future__ import annotations

from datetime import date
from io import StringIO

from django.core.management import call_command

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions
from fasttrack.cases.models import Answers
from fasttrack.cases.states import State
from fasttrack.plans.models import PlanVersion
from tests.cases.conftest import EMPLOYEE_ANSWERS, at, statuses

D0 = date(2026, 2, 23)  # a Monday
REQUESTED = date(2026, 3, 2)

P, M, N = "pending", "met", "not_applicable"


def test_it_runs_jannis_case_from_request_to_close(employer_request, personas, travel):
    # HR requests with its answers; the letter goes out the same day.
    case = employer_request(first_absence_day=D0, today=REQUESTED, nearest_manager=personas.leder)
    assert case.state == State.AWAITING_CONSENT
    assert statuses(case) == {
        "request_window_closes": (M, date(2026, 3, 29)),
        "employee_consent": (P, date(2026, 3, 4)),
        "first_followup_conversation": (P, date(2026, 3, 16)),
        "retention_meeting": (P, date(2026, 3, 23)),
        "employer_sick_absence_conversation": (P, date(2026, 3, 23)),
    }
    assert (case.next_deadline_key, case.next_deadline_on) == ("employee_consent", date(2026, 3, 4))

    # Janni accepts in time and answers the three questions.
    travel(date(2026, 3, 3))
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    case.refresh_from_db()
    assert case.state == State.ACTIVE
    assert statuses(case)["employee_consent"] == (M, date(2026, 3, 4))
    assert Answers.objects.filter(case=case).count() == 2
    assert case.next_deadline_key == "first_followup_conversation"

    # The caseworker asks Janni's doctor for LÆ 285.
    certificate_request = actions.request_certificate(case=case, actor=personas.sagsbehandler)
    assert set(certificate_request.answers) == {"employer", "employee"}
    assert (
        certificate_request.answers["employee"]["affected_functions"]
        == (EMPLOYEE_ANSWERS["affected_functions"])
    )
    # Due by the first conversation's deadline, a day before 14 days are up.
    assert statuses(case)["medical_certificate"] == (P, date(2026, 3, 16))

    # The first conversation is booked (not yet met, R-19), and the doctor's
    # deadline comes forward to it ...
    travel(date(2026, 3, 5))
    conversation = actions.book_meeting(
        case=case,
        actor=personas.sagsbehandler,
        kind="first_conversation",
        starts_at=at(date(2026, 3, 12), 9),
        location="Jobcenter København, Gyldenløvesgade 15",
        participants=[{"user": personas.janni, "role": "employee"}],
    )
    assert statuses(case)["first_followup_conversation"][0] == P
    assert statuses(case)["medical_certificate"] == (P, date(2026, 3, 12))

    # ... the doctor answers in time ...
    travel(date(2026, 3, 10))
    actions.record_certificate(
        case=case,
        actor=personas.laege,
        diagnosis="Discusprolaps",
        work_capacity="Kan arbejde 20 timer om ugen uden tunge løft.",
        considerations="Ingen løft over 10 kg.",
        expected_return="Delvis nu, fuld om 8 uger.",
        remarks="",
        expected_return_on=date(2026, 5, 4),
    )
    assert statuses(case)["medical_certificate"][0] == M

    # ... and the conversation is held in time.
    travel(date(2026, 3, 12))
    actions.record_meeting_held(
        case=case,
        actor=personas.sagsbehandler,
        meeting=conversation,
        held_on=date(2026, 3, 12),
        minutes="Janni vil gerne tilbage på deltid i kantinen.",
    )
    assert statuses(case)["first_followup_conversation"][0] == M
    case.refresh_from_db()
    assert (case.next_deadline_key, case.next_deadline_on) == (
        "retention_meeting",
        date(2026, 3, 23),
    )

    # The plan: partial sick leave, treatment and retraining, in the canteen.
    plan = actions.record_plan(
        case=case,
        actor=personas.sagsbehandler,
        summary="Janni fortsætter i virksomhedens kantine på deltid.",
        measures=[
            {
                "kind": "partial_return",
                "description": "20 timer om ugen i kantinen",
                "owner": "Nordisk Fabrik A/S",
                "due_on": date(2026, 3, 16),
            },
            {
                "kind": "treatment",
                "description": "Fysioterapi to gange om ugen",
                "owner": "Janni",
                "due_on": date(2026, 4, 30),
            },
            {
                "kind": "retraining",
                "description": "Hygiejnekursus for køkkenpersonale",
                "owner": "Jobcenter København",
                "due_on": date(2026, 4, 15),
            },
        ],
        partial_leave_hours_per_week=20,
        evaluate_on=date(2026, 4, 20),
    )
    assert plan.number == 1
    assert [m["kind"] for m in plan.measures] == ["partial_return", "treatment", "retraining"]

    # The retention meeting at the workplace, held before the target.
    travel(date(2026, 3, 16))
    meeting = actions.book_meeting(
        case=case,
        actor=personas.sagsbehandler,
        kind="retention_meeting",
        starts_at=at(date(2026, 3, 19), 13),
        location="Nordisk Fabrik A/S, Industrivej 12",
        participants=[
            {"user": personas.janni, "role": "employee"},
            {"user": personas.leder, "role": "manager"},
            {"user": personas.sagsbehandler, "role": "caseworker"},
        ],
    )
    assert statuses(case)["retention_meeting"][0] == P
    travel(date(2026, 3, 19))
    actions.record_meeting_held(
        case=case,
        actor=personas.sagsbehandler,
        meeting=meeting,
        held_on=date(2026, 3, 19),
        minutes="Planen er aftalt; start i kantinen mandag.",
    )
    assert statuses(case)["retention_meeting"][0] == M

    # Closed: back part time; what is still pending no longer applies.
    travel(date(2026, 3, 20))
    actions.close(case=case, actor=personas.sagsbehandler, outcome="back_part_time")
    case.refresh_from_db()
    assert (case.state, case.outcome, case.closed_on) == (
        State.CLOSED,
        "back_part_time",
        date(2026, 3, 20),
    )
    assert {key: status for key, (status, _) in statuses(case).items()} == {
        "request_window_closes": M,
        "employee_consent": M,
        "medical_certificate": M,
        "first_followup_conversation": M,
        "retention_meeting": M,
        "employer_sick_absence_conversation": N,
    }
    assert (case.next_deadline_on, case.next_deadline_key) == (None, "")
    assert PlanVersion.objects.filter(plan__case=case).count() == 1

    verbs = list(CaseEvent.objects.filter(case=case).values_list("verb", flat=True))
    assert verbs[0] == "requested"
    assert verbs[-1] == "closed"
    for verb in ("accepted", "certificate_received", "meeting_held", "plan_recorded"):
        assert verb in verbs
    # No health data in any event the parties read.
    assert "Discusprolaps" not in str(list(CaseEvent.objects.values("old", "new", "note")))

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("OK")
