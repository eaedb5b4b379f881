"""Consent through the actions: R-11 (banking days), R-12 (late), R-13 (decline)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fasttrack.cases import actions
from fasttrack.cases.errors import (
    ConsentAlreadyGiven,
    ConsentNotLate,
    NotPermitted,
    ReasonRequired,
)
from fasttrack.cases.models import Consent, ConsentDecision
from fasttrack.cases.states import State
from tests.cases.conftest import EMPLOYEE_ANSWERS, deadline, statuses


@pytest.mark.parametrize(
    ("letter_sent_on", "due"),
    [
        # Skærtorsdag, langfredag and 2. påskedag are no banking days.
        (date(2026, 4, 1), date(2026, 4, 8)),
        # Kristi himmelfartsdag and the banks' closing day after it.
        (date(2026, 5, 13), date(2026, 5, 19)),
        # Juleaftensdag, juledag and 2. juledag, then the weekend.
        (date(2025, 12, 22), date(2025, 12, 29)),
        (date(2025, 12, 23), date(2025, 12, 30)),
        # A Friday's letter is due on Tuesday.
        (date(2026, 3, 6), date(2026, 3, 10)),
    ],
    ids=["before-easter", "before-ascension", "22-december", "23-december", "friday"],
)
def test_it_gives_two_banking_days_for_consent_r11(
    employer_request, personas, travel, letter_sent_on, due
):
    case = employer_request(
        first_absence_day=letter_sent_on - timedelta(days=7), today=letter_sent_on
    )
    row = deadline(case, "employee_consent")
    assert (row.due_on, row.rule_id, row.basis) == (due, "R-11", "bek. 1710 § 4, stk. 1")

    travel(due)
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    case.refresh_from_db()
    assert case.state == State.ACTIVE
    assert deadline(case, "employee_consent").status == "met"


def test_it_records_an_acceptance_after_the_deadline_as_late_r12(
    employer_request, personas, travel
):
    case = employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 6))
    travel(date(2026, 3, 11))

    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    case.refresh_from_db()
    assert case.state == State.AWAITING_CONSENT
    consent = Consent.objects.get(case=case)
    assert (consent.accepted, consent.late) == (True, True)
    row = deadline(case, "employee_consent")
    assert (row.status, row.met_on) == ("missed", date(2026, 3, 11))
    with pytest.raises(ConsentAlreadyGiven):
        actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)


def test_it_lets_the_caseworker_continue_after_a_late_acceptance_r12(
    employer_request, personas, travel
):
    case = employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 6))
    travel(date(2026, 3, 11))
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    with pytest.raises(ReasonRequired):
        actions.decide_after_late_consent(
            case=case, actor=personas.sagsbehandler, continue_fast_track=True, reason=" "
        )
    with pytest.raises(NotPermitted):
        actions.decide_after_late_consent(
            case=case, actor=personas.hr, continue_fast_track=True, reason="Ok"
        )
    actions.decide_after_late_consent(
        case=case,
        actor=personas.sagsbehandler,
        continue_fast_track=True,
        reason="The letter reached Janni late; Fast track still helps.",
    )

    case.refresh_from_db()
    assert case.state == State.ACTIVE
    assert ConsentDecision.objects.get(case=case).continue_fast_track
    assert deadline(case, "first_followup_conversation").due_on == date(2026, 3, 20)


def test_it_lets_the_caseworker_fall_back_when_no_consent_came_r12_r13(
    employer_request, personas, travel
):
    case = employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 6))
    with pytest.raises(ConsentNotLate):
        actions.decide_after_late_consent(
            case=case, actor=personas.sagsbehandler, continue_fast_track=False, reason="No answer"
        )
    travel(date(2026, 3, 11))
    with pytest.raises(ConsentNotLate):
        # Continuing needs an acceptance, however late.
        actions.decide_after_late_consent(
            case=case, actor=personas.sagsbehandler, continue_fast_track=True, reason="Why not"
        )

    actions.decide_after_late_consent(
        case=case, actor=personas.sagsbehandler, continue_fast_track=False, reason="No answer"
    )

    case.refresh_from_db()
    assert case.state == State.DECLINED
    row = deadline(case, "first_followup_conversation")
    assert (row.due_on, row.rule_id) == (date(2026, 4, 26), "R-13")


def test_it_moves_the_first_conversation_to_d0_plus_55_when_declined_r13(
    employer_request, personas, travel
):
    d0 = date(2026, 3, 2)
    case = employer_request(first_absence_day=d0, today=date(2026, 3, 6))
    assert deadline(case, "first_followup_conversation").due_on == date(2026, 3, 20)
    travel(date(2026, 3, 9))

    actions.decline(case=case, actor=personas.janni)

    case.refresh_from_db()
    assert case.state == State.DECLINED
    assert Consent.objects.get(case=case).accepted is False
    row = deadline(case, "first_followup_conversation")
    assert (row.due_on, row.rule_id, row.basis, row.status) == (
        d0 + timedelta(days=55),
        "R-13",
        "sygedagpengeloven § 13 b, stk. 3",
        "pending",
    )
    assert statuses(case)["retention_meeting"][0] == "not_applicable"
    assert (case.next_deadline_key, case.next_deadline_on) == (
        "first_followup_conversation",
        date(2026, 4, 26),
    )


def test_it_lets_the_caseworker_record_a_paper_consent_with_its_channel(
    employer_request, personas, travel
):
    case = employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 6))
    travel(date(2026, 3, 9))

    actions.accept(
        case=case, actor=personas.sagsbehandler, answers=EMPLOYEE_ANSWERS, channel="letter"
    )

    assert Consent.objects.get(case=case).channel == "letter"


def test_it_refuses_consent_from_anyone_but_the_employee_or_jobcentre(employer_request, personas):
    case = employer_request(first_absence_day=date(2026, 3, 2), today=date(2026, 3, 6))

    for actor in (personas.hr, personas.leder, personas.anden_sagsbehandler):
        with pytest.raises(NotPermitted):
            actions.accept(case=case, actor=actor, answers=EMPLOYEE_ANSWERS)
