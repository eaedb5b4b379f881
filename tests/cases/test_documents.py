"""The related documents (R-24): the fastholdelsesplan (§ 7 b) and the
mulighedserklæring (§ 36 a), every state and action, their deadlines from the
rule set, and who may act and see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions
from fasttrack.cases.errors import InvalidTransition, NotPermitted
from fasttrack.cases.models import FastTrackCase
from fasttrack.documents import actions as documents
from fasttrack.documents.access import (
    plan_comments_for,
    plan_request_content_visible,
    plan_requests_for,
    statements_for,
)
from fasttrack.documents.errors import (
    CancelStatementReasonRequired,
    CommentRequired,
    DoctorAssessmentRequired,
    DocumentInvalidTransition,
    NoOwnDoctor,
    PartOneAlreadyConfirmed,
    PartOneIncomplete,
    RefusalReasonRequired,
    RetentionPlanContentRequired,
    RetentionPlanRequestOpen,
    StatementOpen,
)
from fasttrack.documents.models import FeePayer, RetentionPlanRequestState, StatementState
from fasttrack.documents.states import (
    PLAN_REQUEST_TRANSITIONS,
    STATEMENT_TRANSITIONS,
    DocumentAction,
)
from fasttrack.lib.rules import rule_set_by_version
from fasttrack.lib.rules.documents import (
    opportunity_statement_doctor,
    plan_evaluation_reminder_day,
    retention_plan_answer,
)
from fasttrack.notifications.models import Message
from fasttrack.people.models import Role
from tests.cases.conftest import DOCUMENTS_D0, DOCUMENTS_REQUESTED

D0 = DOCUMENTS_D0
REQUESTED = DOCUMENTS_REQUESTED  # a Monday
RULES = rule_set_by_version("2025-01")


@pytest.fixture
def active(documents_case: FastTrackCase) -> FastTrackCase:
    return documents_case


def verbs(case: FastTrackCase) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("verb", flat=True))


def kinds(case: FastTrackCase, kind: str) -> list[str]:
    return list(
        Message.objects.filter(case_id=case.pk, kind=kind).values_list(
            "recipient_user__username", flat=True
        )
    )


# --- the rule set --------------------------------------------------------------------


def test_it_takes_the_documents_deadlines_from_the_rule_set() -> None:
    answer = retention_plan_answer(RULES, REQUESTED)
    assert answer.due == REQUESTED + timedelta(days=28)
    assert answer.basis == "sygedagpengeloven § 7 b"
    doctor = opportunity_statement_doctor(RULES, REQUESTED)
    assert doctor.due == REQUESTED + timedelta(days=14)
    assert "§ 36 a" in doctor.basis
    assert plan_evaluation_reminder_day(RULES, date(2025, 5, 1)) == date(2025, 4, 24)


# --- the fastholdelsesplan, § 7 b ------------------------------------------------------


def test_it_lets_the_employee_ask_and_the_employer_make_the_plan(
    active: FastTrackCase, personas: Any
) -> None:
    plan_request = documents.request_retention_plan(
        case=active, actor=personas.janni, message="Jeg vil gerne have en plan."
    )
    assert plan_request.state == "requested"
    assert plan_request.answer_due_on == REQUESTED + timedelta(days=28)
    assert sorted(kinds(active, "retention_plan_requested")) == ["hr", "leder"]
    with pytest.raises(RetentionPlanRequestOpen):
        documents.request_retention_plan(case=active, actor=personas.janni)
    with pytest.raises(RetentionPlanContentRequired):
        documents.prepare_retention_plan(
            case=active, actor=personas.hr, plan_request=plan_request, work_functions=" "
        )
    documents.prepare_retention_plan(
        case=active,
        actor=personas.leder,
        plan_request=plan_request,
        work_functions="Lette opgaver i kantinen.",
        working_hours="20 timer om ugen",
    )
    plan_request.refresh_from_db()
    assert plan_request.state == "prepared"
    assert plan_request.answered_by == personas.leder
    assert kinds(active, "retention_plan_answered") == ["janni"]
    # The jobcentre reads the plan only when the employee brings it.
    assert not plan_request_content_visible(Role.CASEWORKER, plan_request)
    documents.bring_retention_plan(case=active, actor=personas.janni, plan_request=plan_request)
    plan_request.refresh_from_db()
    assert plan_request.bring_to_conversation
    assert plan_request_content_visible(Role.CASEWORKER, plan_request)
    assert kinds(active, "retention_plan_brought") == ["sagsbehandler"]
    with pytest.raises(DocumentInvalidTransition):
        documents.refuse_retention_plan(
            case=active, actor=personas.hr, plan_request=plan_request, reason="Nej"
        )
    document_verbs = [verb for verb in verbs(active) if verb.startswith("retention_plan")]
    assert document_verbs == [
        "retention_plan_requested",
        "retention_plan_prepared",
        "retention_plan_brought",
    ]


def test_it_lets_the_employer_refuse_with_a_reason(active: FastTrackCase, personas: Any) -> None:
    plan_request = documents.request_retention_plan(case=active, actor=personas.janni)
    with pytest.raises(RefusalReasonRequired):
        documents.refuse_retention_plan(
            case=active, actor=personas.hr, plan_request=plan_request, reason=""
        )
    documents.refuse_retention_plan(
        case=active, actor=personas.hr, plan_request=plan_request, reason="Vi har ingen lette job."
    )
    plan_request.refresh_from_db()
    assert plan_request.state == "refused"
    letter = Message.objects.get(case_id=active.pk, kind="retention_plan_answered")
    assert "Vi har ingen lette job." in letter.body_text
    with pytest.raises(DocumentInvalidTransition):
        documents.bring_retention_plan(case=active, actor=personas.janni, plan_request=plan_request)
    # A new request may follow a refused one.
    documents.request_retention_plan(case=active, actor=personas.janni)


def test_it_lets_the_employee_withdraw_the_request(active: FastTrackCase, personas: Any) -> None:
    plan_request = documents.request_retention_plan(case=active, actor=personas.janni)
    with pytest.raises(NotPermitted):
        documents.withdraw_retention_plan_request(
            case=active, actor=personas.hr, plan_request=plan_request
        )
    documents.withdraw_retention_plan_request(
        case=active, actor=personas.janni, plan_request=plan_request
    )
    plan_request.refresh_from_db()
    assert plan_request.state == "withdrawn"
    assert sorted(kinds(active, "retention_plan_withdrawn")) == ["hr", "leder"]
    with pytest.raises(DocumentInvalidTransition):
        documents.prepare_retention_plan(
            case=active, actor=personas.hr, plan_request=plan_request, work_functions="x"
        )


@pytest.mark.parametrize("who", ["hr", "sagsbehandler", "laege", "anden_hr"])
def test_it_lets_only_the_employee_ask_for_the_plan(
    active: FastTrackCase, personas: Any, who: str
) -> None:
    with pytest.raises(NotPermitted):
        documents.request_retention_plan(case=active, actor=getattr(personas, who))


def test_it_refuses_documents_on_a_case_that_is_not_active(
    employer_request: Callable[..., FastTrackCase], personas: Any
) -> None:
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    with pytest.raises(InvalidTransition):
        documents.request_retention_plan(case=case, actor=personas.janni)
    with pytest.raises(InvalidTransition):
        documents.start_opportunity_statement(case=case, actor=personas.hr)


# --- the mulighedserklæring, § 36 a ------------------------------------------------------


def _part_one(case: FastTrackCase, actor: Any, statement: Any) -> Any:
    return documents.save_part_one(
        case=case,
        actor=actor,
        statement=statement,
        job_functions="Pakning og løft ved linjen.",
        can_do="Lette opgaver, kontorarbejde.",
        cannot_do="Løft over 5 kg.",
        agreed_adjustments="Arbejde i kantinen.",
    )


def test_it_completes_a_statement_with_employer_employee_and_doctor(
    active: FastTrackCase, personas: Any, travel: Callable[[date], None]
) -> None:
    statement = documents.start_opportunity_statement(case=active, actor=personas.hr)
    assert statement.state == StatementState.PART_ONE
    assert statement.fee_payer == FeePayer.EMPLOYER
    assert kinds(active, "statement_started") == ["janni"]
    with pytest.raises(StatementOpen):
        documents.start_opportunity_statement(case=active, actor=personas.janni)
    with pytest.raises(PartOneIncomplete):
        documents.confirm_part_one(case=active, actor=personas.hr, statement=statement)
    _part_one(active, personas.janni, statement)
    documents.confirm_part_one(case=active, actor=personas.janni, statement=statement)
    with pytest.raises(PartOneAlreadyConfirmed):
        documents.confirm_part_one(case=active, actor=personas.janni, statement=statement)
    # A change asks both to confirm again.
    statement = _part_one(active, personas.hr, statement)
    assert statement.employee_confirmed_at is None
    documents.confirm_part_one(case=active, actor=personas.hr, statement=statement)
    # The doctor sees nothing before part 2 is sent.
    assert statements_for(Role.DOCTOR, active, personas.laege) == []
    with pytest.raises(NotPermitted):
        documents.complete_statement(
            case=active, actor=personas.laege, statement=statement, doctor_assessment="x"
        )
    statement = documents.confirm_part_one(case=active, actor=personas.janni, statement=statement)
    assert statement.state == StatementState.AT_DOCTOR
    assert statement.doctor_due_on == REQUESTED + timedelta(days=14)
    assert kinds(active, "statement_to_doctor") == ["laege"]
    assert statements_for(Role.DOCTOR, active, personas.laege) == [statement]
    with pytest.raises(DocumentInvalidTransition):
        _part_one(active, personas.hr, statement)
    with pytest.raises(DoctorAssessmentRequired):
        documents.complete_statement(
            case=active, actor=personas.laege, statement=statement, doctor_assessment=""
        )
    documents.complete_statement(
        case=active,
        actor=personas.laege,
        statement=statement,
        doctor_assessment="Kan varetage lette opgaver uden løft.",
        expected_duration="8 uger",
    )
    statement.refresh_from_db()
    assert statement.state == StatementState.COMPLETED
    assert sorted(kinds(active, "statement_completed")) == ["hr", "janni", "leder", "sagsbehandler"]
    assert {
        "statement_started",
        "statement_part_one_saved",
        "statement_part_one_confirmed",
        "statement_sent_to_doctor",
        "statement_completed",
    } <= set(verbs(active))
    with pytest.raises(DocumentInvalidTransition):
        documents.cancel_statement(
            case=active, actor=personas.hr, statement=statement, reason="For sent"
        )


def test_it_lets_the_starter_cancel_with_a_reason(active: FastTrackCase, personas: Any) -> None:
    statement = documents.start_opportunity_statement(
        case=active, actor=personas.janni, fee_payer="employer"
    )
    assert statement.started_by_party == "employee"
    assert statement.fee_payer == "employer"
    with pytest.raises(NotPermitted):
        documents.cancel_statement(case=active, actor=personas.hr, statement=statement, reason="x")
    with pytest.raises(CancelStatementReasonRequired):
        documents.cancel_statement(
            case=active, actor=personas.janni, statement=statement, reason=""
        )
    documents.cancel_statement(
        case=active, actor=personas.janni, statement=statement, reason="Ikke længere nødvendig."
    )
    statement.refresh_from_db()
    assert statement.state == StatementState.CANCELLED
    assert "janni" in kinds(active, "statement_cancelled")
    # A new statement may follow a cancelled one.
    documents.start_opportunity_statement(case=active, actor=personas.hr)


def test_it_needs_the_employees_own_doctor(active: FastTrackCase, personas: Any) -> None:
    person = active.absence.person
    person.clinic = None
    person.save(update_fields=["clinic"])
    statement = documents.start_opportunity_statement(case=active, actor=personas.hr)
    _part_one(active, personas.hr, statement)
    documents.confirm_part_one(case=active, actor=personas.hr, statement=statement)
    with pytest.raises(NoOwnDoctor):
        documents.confirm_part_one(case=active, actor=personas.janni, statement=statement)
    statement.refresh_from_db()
    assert statement.state == StatementState.PART_ONE
    assert statement.employee_confirmed_at is None


@pytest.mark.parametrize("who", ["sagsbehandler", "laege", "anden_hr", "jobcenterchef"])
def test_it_lets_only_the_employer_or_employee_start_a_statement(
    active: FastTrackCase, personas: Any, who: str
) -> None:
    with pytest.raises(NotPermitted):
        documents.start_opportunity_statement(case=active, actor=getattr(personas, who))


# --- comments on the plan and the evaluation reminder ---------------------------------------


@pytest.fixture
def plan(active: FastTrackCase, personas: Any) -> Any:
    return actions.record_plan(
        case=active,
        actor=personas.sagsbehandler,
        summary="Delvis sygemelding og omskoling.",
        measures=[{"kind": "treatment", "description": "Fysioterapi", "owner": "Janni"}],
        partial_leave_hours_per_week=20,
        evaluate_on=date(2025, 4, 14),
    )


def test_it_keeps_each_partys_comments_and_hides_the_employees_from_the_employer(
    active: FastTrackCase, personas: Any, plan: Any
) -> None:
    with pytest.raises(CommentRequired):
        documents.comment_plan(case=active, actor=personas.janni, version=plan, text=" ")
    mine = documents.comment_plan(
        case=active, actor=personas.janni, version=plan, text="Jeg vil gerne starte med 15 timer."
    )
    theirs = documents.comment_plan(
        case=active, actor=personas.hr, version=plan, text="Kantinen har plads fra maj."
    )
    assert (mine.party, theirs.party) == ("employee", "employer")
    assert plan_comments_for(Role.EMPLOYEE, plan) == [mine, theirs]
    assert plan_comments_for(Role.CASEWORKER, plan) == [mine, theirs]
    assert plan_comments_for(Role.EMPLOYER, plan) == [theirs]
    assert plan_comments_for(Role.MANAGER, plan) == [theirs]
    assert plan_comments_for(Role.DOCTOR, plan) == []
    assert kinds(active, "plan_commented") == ["sagsbehandler", "sagsbehandler"]
    event = CaseEvent.objects.filter(case=active, verb="plan_commented").first()
    assert event is not None and not event.visible_to_employer


def test_it_reminds_every_party_of_the_evaluation_once(
    active: FastTrackCase, personas: Any, plan: Any
) -> None:
    assert documents.send_plan_evaluation_reminders(today=date(2025, 4, 6)) == 0
    sent = documents.send_plan_evaluation_reminders(today=date(2025, 4, 7))
    assert sorted(kinds(active, "plan_evaluation_soon")) == [
        "hr",
        "janni",
        "leder",
        "sagsbehandler",
    ]
    assert sent == 4
    assert documents.send_plan_evaluation_reminders(today=date(2025, 4, 8)) == 0
    assert documents.send_plan_evaluation_reminders(today=date(2025, 4, 15)) == 0


def test_it_reminds_of_the_newest_versions_evaluation_only(
    active: FastTrackCase, personas: Any, plan: Any
) -> None:
    # A newer version moves the evaluation later: the old date reminds no one.
    actions.record_plan(
        case=active,
        actor=personas.sagsbehandler,
        summary="Delvis sygemelding og omskoling.",
        measures=[{"kind": "treatment", "description": "Fysioterapi", "owner": "Janni"}],
        partial_leave_hours_per_week=20,
        evaluate_on=date(2025, 5, 12),
    )

    assert documents.send_plan_evaluation_reminders(today=date(2025, 4, 7)) == 0
    assert documents.send_plan_evaluation_reminders(today=date(2025, 5, 5)) == 4


def test_it_shows_the_documents_to_each_party(active: FastTrackCase, personas: Any) -> None:
    documents.request_retention_plan(case=active, actor=personas.janni)
    for role in (Role.EMPLOYER, Role.MANAGER, Role.EMPLOYEE, Role.CASEWORKER):
        assert len(plan_requests_for(role, active)) == 1
    assert plan_requests_for(Role.DOCTOR, active) == []


# --- every action in every state, against the transition tables -----------------------------

_PLAN_REQUEST_SETUP: dict[str, Callable[[FastTrackCase, Any, Any], Any]] = {
    "requested": lambda case, p, r: None,
    "prepared": lambda case, p, r: documents.prepare_retention_plan(
        case=case, actor=p.hr, plan_request=r, work_functions="Kantinen."
    ),
    "refused": lambda case, p, r: documents.refuse_retention_plan(
        case=case, actor=p.hr, plan_request=r, reason="Ingen lette job."
    ),
    "withdrawn": lambda case, p, r: documents.withdraw_retention_plan_request(
        case=case, actor=p.janni, plan_request=r
    ),
}
_PLAN_REQUEST_ACTIONS: dict[DocumentAction, Callable[[FastTrackCase, Any, Any], Any]] = {
    DocumentAction.PREPARE: _PLAN_REQUEST_SETUP["prepared"],
    DocumentAction.REFUSE: _PLAN_REQUEST_SETUP["refused"],
    DocumentAction.WITHDRAW: _PLAN_REQUEST_SETUP["withdrawn"],
    DocumentAction.BRING: lambda case, p, r: documents.bring_retention_plan(
        case=case, actor=p.janni, plan_request=r
    ),
}


@pytest.mark.parametrize("action", list(_PLAN_REQUEST_ACTIONS))
@pytest.mark.parametrize("state", list(RetentionPlanRequestState))
def test_each_plan_request_action_is_taken_only_where_the_table_allows_it(
    active: FastTrackCase, personas: Any, state: RetentionPlanRequestState, action: DocumentAction
) -> None:
    plan_request = documents.request_retention_plan(case=active, actor=personas.janni)
    _PLAN_REQUEST_SETUP[state](active, personas, plan_request)
    plan_request.refresh_from_db()
    assert plan_request.state == state
    _assert_taken_only_where_allowed(
        plan_request,
        PLAN_REQUEST_TRANSITIONS[state].get(action),
        lambda: _PLAN_REQUEST_ACTIONS[action](active, personas, plan_request),
    )


def _assert_taken_only_where_allowed(
    document: Any,
    to_state: Any,
    act: Callable[[], Any],
    refused_with: type[Exception] = DocumentInvalidTransition,
) -> None:
    """``act`` moves ``document`` to ``to_state``; with no such state it is refused
    with ``refused_with`` and the document stays as it was."""
    state = document.state
    if to_state is not None:
        act()
        document.refresh_from_db()
        assert document.state == to_state
    else:
        with pytest.raises(refused_with):
            act()
        document.refresh_from_db()
        assert document.state == state


def _to_doctor(case: FastTrackCase, p: Any, s: Any) -> None:
    for party in (p.hr, p.janni):
        documents.confirm_part_one(case=case, actor=party, statement=s)


def _complete(case: FastTrackCase, p: Any, s: Any) -> None:
    documents.complete_statement(
        case=case, actor=p.laege, statement=s, doctor_assessment="Lette opgaver."
    )


def _completed(case: FastTrackCase, p: Any, s: Any) -> None:
    _to_doctor(case, p, s)
    _complete(case, p, s)


_STATEMENT_SETUP: dict[str, Callable[[FastTrackCase, Any, Any], Any]] = {
    "part_one": lambda case, p, s: None,
    "at_doctor": _to_doctor,
    "completed": _completed,
    "cancelled": lambda case, p, s: documents.cancel_statement(
        case=case, actor=p.hr, statement=s, reason="Ikke længere nødvendig."
    ),
}
_STATEMENT_ACTIONS: dict[DocumentAction, Callable[[FastTrackCase, Any, Any], Any]] = {
    DocumentAction.SAVE_PART_ONE: lambda case, p, s: _part_one(case, p.hr, s),
    DocumentAction.CONFIRM_PART_ONE: lambda case, p, s: documents.confirm_part_one(
        case=case, actor=p.hr, statement=s
    ),
    DocumentAction.COMPLETE: _complete,
    DocumentAction.CANCEL: _STATEMENT_SETUP["cancelled"],
}


@pytest.mark.parametrize("action", list(_STATEMENT_ACTIONS))
@pytest.mark.parametrize("state", list(StatementState))
def test_each_statement_action_is_taken_only_where_the_table_allows_it(
    active: FastTrackCase, personas: Any, state: StatementState, action: DocumentAction
) -> None:
    """Cancelling with the doctor included: the starter may still call it off."""
    statement = documents.start_opportunity_statement(case=active, actor=personas.hr)
    _part_one(active, personas.hr, statement)
    _STATEMENT_SETUP[state](active, personas, statement)
    statement.refresh_from_db()
    assert statement.state == state
    # A statement never sent to the doctor is not hers to act on at all.
    never_sent = action == DocumentAction.COMPLETE and statement.sent_to_doctor_on is None
    _assert_taken_only_where_allowed(
        statement,
        STATEMENT_TRANSITIONS[state].get(action),
        lambda: _STATEMENT_ACTIONS[action](active, personas, statement),
        NotPermitted if never_sent else DocumentInvalidTransition,
    )
