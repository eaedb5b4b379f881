"""The state table (DESIGN.md §4): what it forbids raises and changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.forms.models import model_to_dict
from django.utils import translation

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions
from fasttrack.cases.errors import AnswersRequired, InvalidTransition, localized_message
from fasttrack.cases.models import Absence, Answers, CaseDeadline, Consent, FastTrackCase
from fasttrack.cases.states import (
    ALLOWED,
    OPEN_STATES,
    TERMINAL_STATES,
    TRANSITIONS,
    Action,
    State,
    can,
    require_transition,
)
from fasttrack.documents import actions as documents
from fasttrack.documents.models import OpportunityStatement
from fasttrack.medical.models import Certificate, CertificateRequest
from fasttrack.meetings.models import Meeting
from fasttrack.people.models import Clinic
from fasttrack.plans.models import PlanVersion, RetentionPlan
from tests.cases.conftest import EMPLOYEE_ANSWERS, EMPLOYER_ANSWERS, JANNI_CPR, NORDISK_FABRIK, at

D0 = date(2026, 3, 2)
REQUESTED = date(2026, 3, 6)
LATE = date(2026, 3, 12)


def test_it_derives_open_and_terminal_states_from_the_table():
    assert {State.AWAITING_CONSENT, State.ACTIVE} == OPEN_STATES
    assert {State.DECLINED, State.WITHDRAWN, State.CLOSED} == TERMINAL_STATES
    assert set(TRANSITIONS) == set(ALLOWED) == set(State)


def test_it_names_the_state_and_the_action_in_the_state_error():
    with pytest.raises(InvalidTransition) as refused:
        require_transition("closed", Action.ACCEPT)
    assert refused.value.params == {"state": "closed", "action": "accept"}
    with translation.override("en"):
        assert localized_message(refused.value) == (
            "You cannot accept Fast track while the case is “Closed”."
        )


def _make(state, *, employer_request, personas):
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    if state == State.ACTIVE or state == State.CLOSED:
        actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    if state == State.DECLINED:
        actions.decline(case=case, actor=personas.janni)
    if state == State.WITHDRAWN:
        actions.withdraw(case=case, actor=personas.hr, reason="Janni er raskmeldt.")
    if state == State.CLOSED:
        actions.close(case=case, actor=personas.sagsbehandler, outcome="back_full_time")
    case.refresh_from_db()
    assert case.state == state
    return case


def _meeting(case, kind, personas):
    # Set up directly: booking is itself forbidden in some of the states tested.
    return Meeting.objects.create(
        case=case, kind=kind, starts_at=at(REQUESTED), booked_by=personas.sagsbehandler
    )


def _plan_version(case, personas):
    # Set up directly: recording a plan is itself forbidden in most states.
    plan = RetentionPlan.objects.create(case=case)
    return PlanVersion.objects.create(
        plan=plan, number=1, summary="x", created_by=personas.sagsbehandler
    )


def _calls(case, personas, world):
    worker = personas.sagsbehandler
    version = _plan_version(case, personas)
    return {
        Action.ACCEPT: lambda: actions.accept(
            case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS
        ),
        Action.RECORD_LATE_CONSENT: lambda: actions.accept(
            case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS, on=LATE
        ),
        Action.DECLINE: lambda: actions.decline(case=case, actor=personas.janni),
        Action.FALL_BACK: lambda: actions.decide_after_late_consent(
            case=case, actor=worker, continue_fast_track=False, reason="x"
        ),
        Action.CONTINUE_AFTER_LATE_CONSENT: lambda: actions.decide_after_late_consent(
            case=case, actor=worker, continue_fast_track=True, reason="x"
        ),
        Action.WITHDRAW: lambda: actions.withdraw(case=case, actor=personas.hr, reason="x"),
        Action.CLOSE: lambda: actions.close(case=case, actor=worker, outcome="other"),
        Action.JOIN: lambda: actions.request_fast_track(
            actor=personas.hr,
            person=world.persons[JANNI_CPR],
            employer=world.employers[NORDISK_FABRIK],
            first_absence_day=D0,
            expects_over_8_weeks=True,
            answers=EMPLOYER_ANSWERS,
            requested_by="employer",
            channel="web",
        ),
        Action.RECORD_ANSWERS: lambda: actions.record_answers(
            case=case, actor=personas.janni, party="employee", answers=EMPLOYEE_ANSWERS
        ),
        Action.REQUEST_CERTIFICATE: lambda: actions.request_certificate(case=case, actor=worker),
        Action.RECORD_CERTIFICATE: lambda: actions.record_certificate(
            case=case,
            actor=personas.laege,
            diagnosis="x",
            work_capacity="x",
            considerations="",
            expected_return="",
            remarks="",
        ),
        Action.BOOK_MEETING: lambda: actions.book_meeting(
            case=case, actor=worker, kind="first_conversation", starts_at=at(LATE)
        ),
        Action.REBOOK_MEETING: lambda: actions.rebook_meeting(
            case=case,
            actor=worker,
            meeting=_meeting(case, "first_conversation", personas),
            starts_at=at(LATE),
            reason="x",
        ),
        Action.CANCEL_MEETING: lambda: actions.cancel_meeting(
            case=case,
            actor=worker,
            meeting=_meeting(case, "first_conversation", personas),
            reason="x",
        ),
        Action.ANSWER_INVITATION: lambda: actions.answer_invitation(
            case=case,
            actor=personas.janni,
            meeting=_meeting(case, "first_conversation", personas),
            response="accepted",
        ),
        Action.RECORD_FIRST_CONVERSATION_HELD: lambda: actions.record_meeting_held(
            case=case,
            actor=worker,
            meeting=_meeting(case, "first_conversation", personas),
            held_on=REQUESTED,
            minutes="",
        ),
        Action.RECORD_RETENTION_MEETING_HELD: lambda: actions.record_meeting_held(
            case=case,
            actor=worker,
            meeting=_meeting(case, "retention_meeting", personas),
            held_on=REQUESTED,
            minutes="",
        ),
        Action.RECORD_PLAN: lambda: actions.record_plan(
            case=case, actor=worker, summary="x", measures=[]
        ),
        Action.ADD_JOURNAL_NOTE: lambda: actions.add_journal_note(
            case=case, actor=worker, text="x"
        ),
        Action.ASSIGN_CASEWORKER: lambda: actions.assign_caseworker(case=case, actor=worker),
        Action.CONFIRM_PLAN: lambda: actions.confirm_plan(
            case=case, actor=personas.janni, version=version
        ),
        Action.RECORD_EMPLOYER_CONVERSATION: lambda: actions.record_employer_conversation(
            case=case, actor=personas.hr, held_on=REQUESTED
        ),
        Action.CONFIRM_IDENTITY: lambda: actions.confirm_identity(
            case=case, actor=worker, name="x", municipality=case.municipality
        ),
        Action.SET_NEAREST_MANAGER: lambda: actions.set_nearest_manager(
            case=case, actor=personas.hr, manager=personas.leder
        ),
        Action.SET_OWN_DOCTOR: lambda: actions.set_own_doctor(
            case=case, actor=worker, clinic=Clinic.objects.order_by("pk").first()
        ),
        # The related documents: refused by the case's state before any
        # document is read, so an unsaved one stands in for it.
        Action.REQUEST_RETENTION_PLAN: lambda: documents.request_retention_plan(
            case=case, actor=personas.janni
        ),
        Action.WORK_ON_DOCUMENT: lambda: documents.save_part_one(
            case=case,
            actor=personas.hr,
            statement=OpportunityStatement(case=case),
            job_functions="x",
            can_do="x",
            cannot_do="x",
        ),
        Action.START_OPPORTUNITY_STATEMENT: lambda: documents.start_opportunity_statement(
            case=case, actor=personas.hr
        ),
        Action.COMMENT_PLAN: lambda: documents.comment_plan(
            case=case, actor=personas.janni, version=version, text="x"
        ),
    }


def _snapshot(case):
    return {
        "case": model_to_dict(FastTrackCase.objects.get(pk=case.pk)),
        "events": list(CaseEvent.objects.values_list("id", flat=True)),
        "deadlines": list(CaseDeadline.objects.values()),
        "absences": Absence.objects.count(),
        "answers": Answers.objects.count(),
        "consents": list(Consent.objects.values()),
        "certificate_requests": CertificateRequest.objects.count(),
        "certificates": Certificate.objects.count(),
        "meetings": list(Meeting.objects.exclude(held_on=None).values()),
        "plans": list(PlanVersion.objects.values()),
    }


@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
def test_it_refuses_every_pair_outside_the_table_and_changes_nothing(
    employer_request, personas, demo_world, subtests, state
):
    # One case per state; every refusal must leave it exactly as it was, so
    # the next forbidden action starts from the same case.
    case = _make(State(state), employer_request=employer_request, personas=personas)
    calls = _calls(case, personas, demo_world)
    before = _snapshot(case)
    for action in (a for a in Action if not can(state, a)):
        with subtests.test(action=action.value):
            with pytest.raises(InvalidTransition) as refused:
                calls[action]()
            # A late acceptance is refused as an acceptance: the employee sent one.
            named = "accept" if action == Action.RECORD_LATE_CONSENT else action.value
            assert refused.value.params == {"state": state.value, "action": named}
            assert _snapshot(case) == before


def test_it_covers_every_action_of_the_table():
    assert {a for out in TRANSITIONS.values() for a in out} | {
        a for allowed in ALLOWED.values() for a in allowed
    } == set(Action)


def test_it_books_no_retention_meeting_on_the_normal_track(employer_request, personas):
    case = _make(State.DECLINED, employer_request=employer_request, personas=personas)
    with pytest.raises(InvalidTransition):
        actions.book_meeting(
            case=case,
            actor=personas.sagsbehandler,
            kind="retention_meeting",
            starts_at=at(LATE),
        )


def test_it_still_holds_the_first_conversation_on_the_normal_track_r13(
    employer_request, personas, travel
):
    case = _make(State.DECLINED, employer_request=employer_request, personas=personas)
    meeting = actions.book_meeting(
        case=case,
        actor=personas.sagsbehandler,
        kind="first_conversation",
        starts_at=at(date(2026, 4, 20)),
    )
    travel(date(2026, 4, 20))
    actions.record_meeting_held(
        case=case,
        actor=personas.sagsbehandler,
        meeting=meeting,
        held_on=date(2026, 4, 20),
        minutes="",
    )
    row = CaseDeadline.objects.get(case=case, key="first_followup_conversation")
    assert (row.status, row.rule_id) == ("met", "R-13")


def test_it_saves_nothing_of_an_action_that_fails_halfway(employer_request, personas):
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    before = _snapshot(case)

    # The state moves and the consent is written before the answers are
    # checked; the whole action must roll back.
    with pytest.raises(AnswersRequired):
        actions.accept(case=case, actor=personas.janni, answers={"affected_functions": "x"})

    assert _snapshot(case) == before
    case.refresh_from_db()
    assert case.state == State.AWAITING_CONSENT
