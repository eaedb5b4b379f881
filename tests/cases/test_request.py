"""Requesting Fast track through the actions: R-01 to R-05, R-10, R-14, R-23."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from fasttrack.cases import actions
from fasttrack.cases.errors import (
    AnswersRequired,
    ExpectationNotAffirmed,
    FirstAbsenceDayInFuture,
    NotANearestManager,
    NotPermitted,
    RequestTooLate,
    localized_message,
)
from fasttrack.cases.models import Absence, Answers, Consent, FastTrackCase
from fasttrack.cases.states import State
from tests.cases.conftest import (
    EMPLOYEE_ANSWERS,
    EMPLOYER_ANSWERS,
    JANNI_CPR,
    NORDISK_FABRIK,
    deadline,
    statuses,
)

D0 = date(2026, 1, 5)


def test_it_accepts_a_request_on_the_last_valid_day_r03(employer_request):
    case = employer_request(first_absence_day=D0, today=date(2026, 2, 8))

    assert case.state == State.AWAITING_CONSENT
    window = deadline(case, "request_window_closes")
    assert (window.due_on, window.status, window.met_on) == (
        date(2026, 2, 8),
        "met",
        date(2026, 2, 8),
    )


def test_it_refuses_a_request_the_day_after_and_names_the_last_valid_day_r03(employer_request):
    with pytest.raises(RequestTooLate) as refused:
        employer_request(first_absence_day=D0, today=date(2026, 2, 9))

    assert refused.value.rule_id == "R-03"
    assert refused.value.params["last_valid_day"] == date(2026, 2, 8)
    with translation.override("en"):
        assert "8 February 2026" in localized_message(refused.value)
    assert not FastTrackCase.objects.exists()
    assert not Absence.objects.exists()


@pytest.mark.parametrize(
    ("first_absence_day", "expects", "error"),
    [
        (date(2026, 3, 2), True, FirstAbsenceDayInFuture),
        (date(2026, 2, 2), False, ExpectationNotAffirmed),
    ],
)
def test_it_refuses_a_request_that_breaks_r04(
    demo_world, personas, travel, first_absence_day, expects, error
):
    travel(date(2026, 3, 1))
    with pytest.raises(error):
        actions.request_fast_track(
            actor=personas.hr,
            person=demo_world.persons[JANNI_CPR],
            employer=demo_world.employers[NORDISK_FABRIK],
            first_absence_day=first_absence_day,
            expects_over_8_weeks=expects,
            answers=None,
            requested_by="employer",
            channel="web",
        )
    assert not FastTrackCase.objects.exists()


def test_it_sends_the_consent_letter_the_day_of_an_employer_request_r10(employer_request):
    case = employer_request(first_absence_day=D0, today=date(2026, 1, 12))

    assert case.consent_letter_sent_on == date(2026, 1, 12)
    assert case.next_deadline_key == "employee_consent"
    assert case.next_deadline_on == date(2026, 1, 14)
    employer = Answers.objects.get(case=case, party="employer")
    assert employer.questions["affected_functions"]["da"].startswith("Hvilke arbejdsfunktioner")
    assert employer.questions["affected_functions"]["en"].startswith("Which job functions")
    assert employer.question_set_version == "2025-01"


def test_it_lets_the_employer_leave_the_questions_blank_r06(demo_world, personas, travel):
    travel(date(2026, 1, 12))
    case, _ = actions.request_fast_track(
        actor=personas.hr,
        person=demo_world.persons[JANNI_CPR],
        employer=demo_world.employers[NORDISK_FABRIK],
        first_absence_day=D0,
        expects_over_8_weeks=True,
        answers={},
        requested_by="employer",
        channel="api",
    )
    assert Answers.objects.get(case=case, party="employer").affected_functions == ""


def test_it_makes_an_employee_request_its_own_consent_r14(employee_request):
    case = employee_request(first_absence_day=D0, today=date(2026, 1, 12))

    assert case.state == State.ACTIVE
    assert case.consent_letter_sent_on is None
    assert Consent.objects.get(case=case).accepted
    assert "employee_consent" not in statuses(case)
    assert case.next_deadline_key == "first_followup_conversation"
    assert case.next_deadline_on == date(2026, 1, 26)


def test_it_requires_the_employees_answers_r07(demo_world, personas, travel):
    travel(date(2026, 1, 12))
    with pytest.raises(AnswersRequired):
        actions.request_fast_track(
            actor=personas.janni,
            person=demo_world.persons[JANNI_CPR],
            employer=None,
            first_absence_day=D0,
            expects_over_8_weeks=True,
            answers={"affected_functions": "Løft"},
            requested_by="employee",
            channel="web",
        )
    assert not FastTrackCase.objects.exists()


def test_it_joins_the_employer_case_when_the_employee_requests_and_that_is_consent_r05(
    demo_world, personas, employer_request, travel
):
    case = employer_request(first_absence_day=D0, today=date(2026, 1, 12))
    travel(date(2026, 1, 13))

    joined, created = actions.request_fast_track(
        actor=personas.janni,
        person=demo_world.persons[JANNI_CPR],
        employer=demo_world.employers[NORDISK_FABRIK],
        first_absence_day=D0,
        expects_over_8_weeks=True,
        answers=EMPLOYEE_ANSWERS,
        requested_by="employee",
        channel="web",
    )

    assert (joined.pk, created) == (case.pk, False)
    joined.refresh_from_db()
    assert joined.state == State.ACTIVE
    assert Consent.objects.get(case=case).answered_on == date(2026, 1, 13)
    assert deadline(case, "employee_consent").status == "met"
    assert FastTrackCase.objects.count() == 1


def test_it_adds_the_employers_answers_when_it_requests_an_employee_case_r05(
    demo_world, personas, employee_request, travel
):
    case = employee_request(first_absence_day=D0, today=date(2026, 1, 12))
    travel(date(2026, 1, 14))

    joined, created = actions.request_fast_track(
        actor=personas.hr,
        person=demo_world.persons[JANNI_CPR],
        employer=demo_world.employers[NORDISK_FABRIK],
        first_absence_day=D0,
        expects_over_8_weeks=True,
        answers=EMPLOYER_ANSWERS,
        requested_by="employer",
        channel="api",
        nearest_manager=personas.leder,
    )

    assert (joined.pk, created) == (case.pk, False)
    assert joined.state == State.ACTIVE
    assert joined.nearest_manager == personas.leder
    assert set(Answers.objects.filter(case=case).values_list("party", flat=True)) == {
        "employer",
        "employee",
    }


def test_it_refuses_an_employer_request_for_someone_it_does_not_employ(
    demo_world, personas, travel
):
    travel(date(2026, 1, 12))
    with pytest.raises(NotPermitted):
        actions.request_fast_track(
            actor=personas.anden_hr,
            person=demo_world.persons[JANNI_CPR],
            employer=demo_world.employers[NORDISK_FABRIK],
            first_absence_day=D0,
            expects_over_8_weeks=True,
            answers=None,
            requested_by="employer",
            channel="web",
        )


def test_it_refuses_a_nearest_manager_who_is_not_a_manager_there(employer_request, personas):
    with pytest.raises(NotANearestManager) as refused:
        employer_request(
            first_absence_day=D0, today=date(2026, 1, 12), nearest_manager=personas.anden_hr
        )
    assert not FastTrackCase.objects.exists()
    with translation.override("en"):
        assert localized_message(refused.value) == (
            "Omar Khan cannot be named nearest manager: choose a nearest manager at "
            "Nordisk Fabrik A/S."
        )


def test_it_keeps_one_absence_per_person_without_employer(employee_request):
    employee_request(first_absence_day=D0, today=date(2026, 1, 12), with_employer=False)
    assert Absence.objects.get().employer is None


def test_it_shows_the_employers_conversation_at_d0_plus_28_r23(employer_request):
    case = employer_request(first_absence_day=D0, today=date(2026, 1, 12))

    row = deadline(case, "employer_sick_absence_conversation")
    assert (row.due_on, row.status, row.rule_id) == (date(2026, 2, 2), "pending", "R-23")


def test_it_drops_the_employers_conversation_when_the_employee_leaves_r23(employer_request):
    case = employer_request(
        first_absence_day=D0, today=date(2026, 1, 12), leaves_within_8_weeks=True
    )

    row = deadline(case, "employer_sick_absence_conversation")
    assert (row.due_on, row.status) == (None, "not_applicable")


def test_it_has_no_employers_conversation_without_an_employer_r23(employee_request):
    case = employee_request(first_absence_day=D0, today=date(2026, 1, 12), with_employer=False)

    assert "employer_sick_absence_conversation" not in statuses(case)
