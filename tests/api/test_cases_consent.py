"""POST /cases/{id}/consent and POST /cases/{id}/decision (R-07, R-11 to R-13)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fasttrack.cases import actions

ANSWERS = {
    "affected_functions": "Standing",
    "affected_duration": "A month",
    "adjustments_tried": "None yet",
}


def test_the_employee_accepts_and_gets_the_whole_case(personas, api_as, make_case):
    case = make_case()
    response = api_as(personas.janni).post(
        f"/api/v1/cases/{case.pk}/consent", {"accept": True, "answers": ANSWERS}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == case.pk
    assert body["state"] == "active"
    assert body["answers"]["employee"]["affected_functions"] == "Standing"
    # The employer still does not see the employee's answers.
    hr_view = api_as(personas.hr).get(f"/api/v1/cases/{case.pk}").json()
    assert hr_view["answers"]["employee"] is None


def test_the_employee_declines(personas, api_as, make_case):
    case = make_case()
    response = api_as(personas.janni).post(f"/api/v1/cases/{case.pk}/consent", {"accept": False})
    assert response.status_code == 200
    assert response.json()["state"] == "declined"


def test_answering_twice_is_409(personas, api_as, make_case):
    case = make_case()
    api = api_as(personas.janni)
    api.post(f"/api/v1/cases/{case.pk}/consent", {"accept": False})
    again = api.post(f"/api/v1/cases/{case.pk}/consent", {"accept": True, "answers": ANSWERS})
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"


def test_accepting_without_answers_is_422(personas, api_as, make_case):
    case = make_case()
    response = api_as(personas.janni).post(f"/api/v1/cases/{case.pk}/consent", {"accept": True})
    assert response.status_code == 422
    assert response.json()["rule_id"] == "R-07"


@pytest.mark.parametrize(
    ("username", "status"),
    [("hr", 403), ("leder", 403), ("sagsbehandler", 403), ("anden-hr", 404), ("laege", 404)],
)
def test_only_the_employee_answers(username, status, personas, api_as, make_case):
    case = make_case()
    response = api_as(personas.all()[username]).post(
        f"/api/v1/cases/{case.pk}/consent", {"accept": False}
    )
    assert response.status_code == status


def _late_acceptance(personas, make_case):
    case = make_case()
    due = case.deadlines.get(key="employee_consent").due_on
    actions.accept(case=case, actor=personas.janni, answers=ANSWERS, on=due + timedelta(days=1))
    return case


def test_the_caseworker_continues_after_a_late_acceptance(personas, api_as, make_case):
    case = _late_acceptance(personas, make_case)
    response = api_as(personas.sagsbehandler).post(
        f"/api/v1/cases/{case.pk}/decision",
        {"continue_fast_track": True, "reason": "Late because of a hospital stay."},
    )
    assert response.status_code == 200
    assert response.json()["state"] == "active"


def test_a_decision_without_a_late_consent_is_409(personas, api_as, make_case):
    case = make_case()
    response = api_as(personas.sagsbehandler).post(
        f"/api/v1/cases/{case.pk}/decision",
        {"continue_fast_track": True, "reason": "Why not."},
    )
    assert response.status_code == 409


def test_a_decision_needs_a_reason(personas, api_as, make_case):
    case = _late_acceptance(personas, make_case)
    response = api_as(personas.sagsbehandler).post(
        f"/api/v1/cases/{case.pk}/decision", {"continue_fast_track": False, "reason": ""}
    )
    assert response.status_code == 422
    assert "reason" in response.json()["errors"]


@pytest.mark.parametrize(
    ("username", "status"),
    [("hr", 403), ("janni", 403), ("anden-sagsbehandler", 404)],
)
def test_only_the_caseworker_decides(username, status, personas, api_as, make_case):
    case = _late_acceptance(personas, make_case)
    response = api_as(personas.all()[username]).post(
        f"/api/v1/cases/{case.pk}/decision",
        {"continue_fast_track": False, "reason": "Too late."},
    )
    assert response.status_code == status


def test_the_decision_replays_with_the_same_idempotency_key(personas, api_as, make_case):
    case = _late_acceptance(personas, make_case)
    api = api_as(personas.sagsbehandler)
    body = {"continue_fast_track": False, "reason": "Too late."}
    headers = {"Idempotency-Key": "decision-1"}
    first = api.post(f"/api/v1/cases/{case.pk}/decision", body, headers=headers)
    again = api.post(f"/api/v1/cases/{case.pk}/decision", body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
