"""Reminders before the documents around a case fall due, and news when they passed
(R-24): the employer side before the § 7 b answer, the doctor before part 2 of the
mulighedserklæring, the jobcentre (and, for § 7 b, the employee) once the day passed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from fasttrack.cases import actions, letters, sweep
from fasttrack.cases.models import CaseNotice, FastTrackCase, NoticeKind
from fasttrack.documents import actions as documents
from fasttrack.documents.models import (
    OpportunityStatement,
    RetentionPlanRequest,
    StatementState,
)
from fasttrack.notifications.models import Message
from tests.cases.conftest import DOCUMENTS_D0, DOCUMENTS_REQUESTED

D0 = DOCUMENTS_D0
REQUESTED = DOCUMENTS_REQUESTED  # a Monday
# The § 7 b answer is due 28 days after the request, Monday 7 April: 2 banking
# days before it (Friday 4 and Monday 7 left) is Thursday 3 April.
ANSWER_DUE = date(2025, 4, 7)
ANSWER_REMINDER = date(2025, 4, 3)
# Part 2 goes to the doctor on the request day and is due 14 days later, Monday
# 24 March: the doctor is reminded on Thursday 20 March.
PART_TWO_DUE = date(2025, 3, 24)
PART_TWO_REMINDER = date(2025, 3, 20)

# The employee's own words about why: they never reach the employer.
EMPLOYEE_MESSAGE = "Jeg har diskusprolaps og kan ikke løfte efter operationen."

DOCUMENT_KINDS = (
    "retention_plan_answer_soon",
    "retention_plan_answer_overdue",
    "statement_doctor_soon",
    "document_overdue",
)


@pytest.fixture
def active(documents_case: FastTrackCase) -> FastTrackCase:
    return documents_case


@pytest.fixture
def plan_request(active: FastTrackCase, personas: Any) -> RetentionPlanRequest:
    plan_request = documents.request_retention_plan(
        case=active, actor=personas.janni, message=EMPLOYEE_MESSAGE, today=REQUESTED
    )
    assert plan_request.answer_due_on == ANSWER_DUE
    return plan_request


@pytest.fixture
def at_doctor(active: FastTrackCase, personas: Any) -> OpportunityStatement:
    statement = documents.start_opportunity_statement(case=active, actor=personas.hr)
    documents.save_part_one(
        case=active,
        actor=personas.hr,
        statement=statement,
        job_functions="Pakning og løft ved linjen.",
        can_do="Lette opgaver, kontorarbejde.",
        cannot_do="Løft over 5 kg.",
    )
    documents.confirm_part_one(case=active, actor=personas.hr, statement=statement)
    statement = documents.confirm_part_one(
        case=active, actor=personas.janni, statement=statement, today=REQUESTED
    )
    assert statement.state == StatementState.AT_DOCTOR
    assert statement.doctor_due_on == PART_TWO_DUE
    return statement


def sweep_documents(day: date) -> int:
    """The sweep's documents step alone, as ``send_reminders`` runs it."""
    return sum(
        documents.send_document_reminders_of(case_ids=[case_id], today=day)
        for case_id in documents.cases_with_documents_due(day)
    )


def recipients(case: FastTrackCase, kind: str) -> list[str]:
    return sorted(
        Message.objects.filter(case_id=case.pk, kind=kind).values_list(
            "recipient_user__username", flat=True
        )
    )


def overdue_notices(case: FastTrackCase) -> list[str]:
    return list(
        CaseNotice.objects.filter(case=case, kind=NoticeKind.DOCUMENT_OVERDUE).values_list(
            "key", flat=True
        )
    )


# --- the § 7 b answer ------------------------------------------------------------------


def test_it_reminds_hr_and_the_nearest_manager_on_the_rule_day_and_not_before(
    active: FastTrackCase, plan_request: RetentionPlanRequest
) -> None:
    for day in (REQUESTED, date(2025, 3, 11), date(2025, 4, 1), date(2025, 4, 2)):
        assert sweep_documents(day) == 0
    assert recipients(active, "retention_plan_answer_soon") == []

    assert sweep_documents(ANSWER_REMINDER) == 2
    # Who got the request is reminded of it: HR and the nearest manager.
    assert recipients(active, "retention_plan_answer_soon") == ["hr", "leder"]


def test_it_reminds_once_however_often_the_sweep_runs(
    active: FastTrackCase, plan_request: RetentionPlanRequest
) -> None:
    assert sweep_documents(ANSWER_REMINDER) == 2
    assert sweep_documents(ANSWER_REMINDER) == 0
    # The day after has 1 banking day left: the reminder already went.
    assert sweep_documents(date(2025, 4, 4)) == 0
    assert sweep_documents(ANSWER_DUE) == 0
    assert len(recipients(active, "retention_plan_answer_soon")) == 2


def test_it_reminds_again_when_the_due_day_changes(
    active: FastTrackCase, plan_request: RetentionPlanRequest
) -> None:
    assert sweep_documents(ANSWER_REMINDER) == 2
    RetentionPlanRequest.objects.filter(pk=plan_request.pk).update(answer_due_on=date(2025, 4, 14))
    assert sweep_documents(date(2025, 4, 4)) == 0
    assert sweep_documents(date(2025, 4, 10)) == 2
    assert len(recipients(active, "retention_plan_answer_soon")) == 4


def test_it_counts_the_reminders_in_what_the_sweep_returns(
    active: FastTrackCase, plan_request: RetentionPlanRequest
) -> None:
    # No deadline of the case itself is reminded of on this day.
    assert sweep.send_reminders(today=ANSWER_REMINDER) == 2
    assert sweep.send_reminders(today=ANSWER_REMINDER) == 0
    assert recipients(active, "retention_plan_answer_soon") == ["hr", "leder"]


def test_it_sends_the_employer_side_no_health_data_and_a_link_to_answer(
    active: FastTrackCase, plan_request: RetentionPlanRequest
) -> None:
    sweep_documents(ANSWER_REMINDER)
    reminders = Message.objects.filter(case_id=active.pk, kind="retention_plan_answer_soon")
    assert reminders.count() == 2
    answer_path = f"/sager/{active.pk}/fastholdelsesplan/{plan_request.pk}/svar/"
    for letter in reminders:
        assert letter.to_employer
        text = letter.subject + letter.body_text
        assert EMPLOYEE_MESSAGE not in text
        assert "diskusprolaps" not in text.lower()
        assert answer_path in letter.body_text
        assert "7. april 2025" in text
        assert "2 bankdage tilbage" in letter.body_text


@pytest.mark.parametrize("answer", ["prepare", "refuse", "withdraw"])
def test_it_reminds_nobody_once_the_request_is_answered_or_withdrawn(
    active: FastTrackCase, plan_request: RetentionPlanRequest, personas: Any, answer: str
) -> None:
    if answer == "prepare":
        documents.prepare_retention_plan(
            case=active, actor=personas.hr, plan_request=plan_request, work_functions="Kantinen."
        )
    elif answer == "refuse":
        documents.refuse_retention_plan(
            case=active, actor=personas.hr, plan_request=plan_request, reason="Ingen lette job."
        )
    else:
        documents.withdraw_retention_plan_request(
            case=active, actor=personas.janni, plan_request=plan_request
        )
    assert documents.cases_with_documents_due(ANSWER_REMINDER) == []
    for day in (ANSWER_REMINDER, date(2025, 4, 8), date(2025, 5, 8)):
        assert sweep_documents(day) == 0
        assert sweep.send_reminders(today=day) >= 0
    assert recipients(active, "retention_plan_answer_soon") == []
    assert recipients(active, "retention_plan_answer_overdue") == []
    assert overdue_notices(active) == []


def test_it_tells_the_jobcentre_and_the_employee_once_when_the_answer_is_overdue(
    active: FastTrackCase, plan_request: RetentionPlanRequest
) -> None:
    # On the due day itself the employer may still answer.
    sweep_documents(ANSWER_DUE)
    assert overdue_notices(active) == []

    # The notice (its letter to the caseworker goes with it, as for every notice)
    # and the employee's letter.
    assert sweep_documents(date(2025, 4, 8)) == 2
    assert overdue_notices(active) == [
        f"overdue:retention_plan_answer:{plan_request.pk}:2025-04-07"
    ]
    assert recipients(active, "document_overdue") == ["sagsbehandler"]
    assert recipients(active, "retention_plan_answer_overdue") == ["janni"]
    caseworker = Message.objects.get(case_id=active.pk, kind="document_overdue")
    assert "fastholdelsesplan" in caseworker.subject.lower()
    assert "7. april 2025" in caseworker.body_text
    employee = Message.objects.get(case_id=active.pk, kind="retention_plan_answer_overdue")
    assert "7. april 2025" in employee.body_text
    assert not employee.to_employer

    assert sweep_documents(date(2025, 4, 8)) == 0
    assert sweep_documents(date(2025, 4, 9)) == 0
    assert sweep.send_reminders(today=date(2025, 4, 10)) == 0
    assert len(overdue_notices(active)) == 1
    assert recipients(active, "retention_plan_answer_overdue") == ["janni"]
    # The employer side is not reminded after the day passed.
    assert recipients(active, "retention_plan_answer_soon") == []


# --- the doctor's part 2 ---------------------------------------------------------------


def test_it_reminds_the_doctor_of_part_2_once_on_the_rule_day(
    active: FastTrackCase, at_doctor: OpportunityStatement
) -> None:
    assert sweep_documents(date(2025, 3, 19)) == 0
    assert sweep_documents(PART_TWO_REMINDER) == 1
    assert recipients(active, "statement_doctor_soon") == ["laege"]
    letter = Message.objects.get(case_id=active.pk, kind="statement_doctor_soon")
    assert f"/sager/{active.pk}/mulighedserklaering/{at_doctor.pk}/del-2/" in letter.body_text
    assert "24. marts 2025" in letter.body_text
    assert not letter.to_employer
    assert sweep_documents(PART_TWO_REMINDER) == 0
    assert sweep_documents(date(2025, 3, 21)) == 0
    assert recipients(active, "statement_doctor_soon") == ["laege"]


@pytest.mark.parametrize("finish", ["complete", "cancel"])
def test_it_reminds_no_doctor_once_part_2_is_in_or_the_statement_cancelled(
    active: FastTrackCase, at_doctor: OpportunityStatement, personas: Any, finish: str
) -> None:
    if finish == "complete":
        documents.complete_statement(
            case=active,
            actor=personas.laege,
            statement=at_doctor,
            doctor_assessment="Kan varetage lette opgaver.",
        )
    else:
        documents.cancel_statement(
            case=active, actor=personas.hr, statement=at_doctor, reason="Ikke længere nødvendig."
        )
    for day in (PART_TWO_REMINDER, date(2025, 3, 25)):
        assert sweep_documents(day) == 0
    assert recipients(active, "statement_doctor_soon") == []
    assert overdue_notices(active) == []


def test_it_tells_the_jobcentre_once_when_part_2_is_overdue(
    active: FastTrackCase, at_doctor: OpportunityStatement
) -> None:
    # No reminder on the due day itself, nor a notice: the doctor still has the day.
    assert sweep_documents(PART_TWO_DUE) == 0
    # The notice, with its letter to the caseworker; the employee is not written to.
    assert sweep_documents(date(2025, 3, 25)) == 1
    assert overdue_notices(active) == [
        f"overdue:opportunity_statement_doctor:{at_doctor.pk}:2025-03-24"
    ]
    assert recipients(active, "document_overdue") == ["sagsbehandler"]
    assert "del 2" in Message.objects.get(case_id=active.pk, kind="document_overdue").subject
    assert sweep_documents(date(2025, 3, 25)) == 0
    assert sweep_documents(date(2025, 3, 26)) == 0
    assert len(overdue_notices(active)) == 1


# --- closed cases --------------------------------------------------------------------------


def test_it_reminds_and_tells_nothing_on_a_closed_case(
    active: FastTrackCase,
    plan_request: RetentionPlanRequest,
    at_doctor: OpportunityStatement,
    personas: Any,
    travel: Callable[[date], None],
) -> None:
    travel(date(2025, 3, 12))
    actions.close(case=active, actor=personas.sagsbehandler, outcome="other")
    for day in (PART_TWO_REMINDER, date(2025, 3, 25), ANSWER_REMINDER, date(2025, 4, 8)):
        assert documents.cases_with_documents_due(day) == []
        assert sweep_documents(day) == 0
        # Even handed the case directly, the step leaves a closed case alone.
        assert documents.send_document_reminders_of(case_ids=[active.pk], today=day) == 0
    for kind in DOCUMENT_KINDS:
        assert recipients(active, kind) == []
    assert overdue_notices(active) == []


# --- the letters ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_it_renders_each_document_letter_in_danish_and_english(kind: str, language: str) -> None:
    subject, body = letters.render(
        kind,
        language,
        {
            "person_name": "Janni Mikkelsen",
            "employer_name": "Nordisk Fabrik A/S",
            "jobcentre": "Jobcenter København",
            "due_on": ANSWER_DUE,
            "requested_on": REQUESTED,
            "days": 2,
            "basis": "sygedagpengeloven § 7 b",
            "document": "retention_plan_answer",
            "case_url": "https://fasttrack.example/sager/1/",
            "answer_url": "https://fasttrack.example/sager/1/fastholdelsesplan/1/svar/",
            "statement_url": "https://fasttrack.example/sager/1/mulighedserklaering/1/del-2/",
        },
    )
    assert subject.startswith("Fast track")
    assert "https://fasttrack.example/sager/1/" in body
    assert ("7. april 2025" if language == "da" else "7 April 2025") in subject + body
