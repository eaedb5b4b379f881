"""POST /cases: requesting Fast track through the API (R-01 to R-05, R-29)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from fasttrack.cases.models import FastTrackCase

JANNI_CPR = "1203814562"
ANSWERS = {
    "affected_functions": "Lifting",
    "affected_duration": "Two weeks",
    "adjustments_tried": "Shorter shifts",
}


def _body(days_ago: int = 3, **changes):
    body = {
        "employee_cpr": JANNI_CPR,
        "first_absence_day": (timezone.localdate() - timedelta(days=days_ago)).isoformat(),
        "expects_over_8_weeks": True,
        "answers": ANSWERS,
        "employer_cvr": "29887659",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def test_the_employer_requests_and_gets_201_with_the_case(personas, api_as, caplog):
    caplog.set_level(logging.DEBUG)
    response = api_as(personas.hr).post("/api/v1/cases", _body())
    assert response.status_code == 201
    body = response.json()
    case = FastTrackCase.objects.get(pk=body["id"])
    assert case.request_channel == "api"
    assert body["state"] == "awaiting_consent"
    assert body["requested_by"] == "employer"
    assert body["employee"] == {"name": "Janni Mikkelsen"}
    assert body["answers"]["employer"]["affected_functions"] == "Lifting"
    assert body["answers"]["employee"] is None
    # the CPR number is never echoed back nor logged.
    assert JANNI_CPR not in response.content.decode()
    assert "120381-4562" not in response.content.decode()
    assert JANNI_CPR not in caplog.text


def test_a_second_request_for_the_same_absence_answers_200_with_that_case(personas, api_as):
    first = api_as(personas.hr).post("/api/v1/cases", _body())
    second = api_as(personas.janni).post(
        "/api/v1/cases", _body(employee_cpr=None) | {"answers": ANSWERS}
    )
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    # the employee's request while the employer's awaits consent is the consent.
    assert second.json()["state"] == "active"


def test_twenty_identical_requests_without_a_key_record_one_request_and_no_join(personas, api_as):
    """Issue 12, finding 12: 20 identical requests without a key once wrote 19 "joined"."""
    client = api_as(personas.hr)
    answers = [client.post("/api/v1/cases", _body()) for _ in range(20)]

    assert [a.status_code for a in answers] == [201] + [200] * 19
    case = FastTrackCase.objects.get()
    verbs = list(case.events.values_list("verb", flat=True))
    assert verbs.count("requested") == 1
    assert verbs.count("joined") == 0
    assert len({a.json()["id"] for a in answers}) == 1


def test_each_real_join_is_recorded_once(personas, api_as):
    # The employee's own request for the same absence joins it; the
    # employee asking again, and the employer asking again, are no new joins.
    for user, body in [
        (personas.hr, _body()),
        (personas.janni, _body(employee_cpr=None)),
        (personas.janni, _body(employee_cpr=None)),
        (personas.hr, _body()),
    ]:
        assert api_as(user).post("/api/v1/cases", body).status_code in (200, 201)

    case = FastTrackCase.objects.get()
    joins = list(case.events.filter(verb="joined").values_list("new", flat=True))
    assert [join["requested_by"] for join in joins] == ["employee"]
    assert case.state == "active"


def test_the_employee_requests_for_themself(personas, api_as):
    body = _body()
    del body["employee_cpr"]
    response = api_as(personas.janni).post("/api/v1/cases", body)
    assert response.status_code == 201
    assert response.json()["requested_by"] == "employee"
    assert response.json()["answers"]["employee"]["affected_functions"] == "Lifting"


def test_the_caseworker_requests_for_a_citizen_of_the_municipality(personas, api_as):
    response = api_as(personas.sagsbehandler).post("/api/v1/cases", _body())
    assert response.status_code == 201
    assert response.json()["requested_by"] == "caseworker"


@pytest.mark.parametrize(
    ("username", "cpr"),
    [
        ("anden-sagsbehandler", JANNI_CPR),  # exists, but lives elsewhere
        ("anden-sagsbehandler", "0101010000"),  # nobody has it
    ],
)
def test_an_unknown_or_foreign_citizen_gets_the_same_422(username, cpr, personas, api_as):
    body = _body(employee_cpr=cpr)
    body.pop("employer_cvr")
    response = api_as(personas.all()[username]).post("/api/v1/cases", body)
    assert response.status_code == 422
    problem = response.json()
    assert list(problem["errors"]) == ["employee_cpr"]
    assert problem["errors"]["employee_cpr"] == [
        "Vi kan ikke finde en medarbejder med dette CPR-nummer her. Tjek nummeret."
    ] or problem["errors"]["employee_cpr"] == [
        "We cannot find an employee with this CPR number here. Check the number."
    ]
    assert cpr not in response.content.decode()


def test_an_invalid_cpr_number_is_a_field_error(personas, api_as):
    response = api_as(personas.hr).post("/api/v1/cases", _body(employee_cpr="12345"))
    assert response.status_code == 422
    assert "employee_cpr" in response.json()["errors"]


def test_the_employer_and_the_caseworker_must_give_the_cpr(personas, api_as):
    body = _body()
    del body["employee_cpr"]
    response = api_as(personas.hr).post("/api/v1/cases", body)
    assert response.status_code == 422
    assert "employee_cpr" in response.json()["errors"]


def test_a_request_too_late_names_the_last_valid_day(personas, api_as):
    response = api_as(personas.hr).post(
        "/api/v1/cases", _body(days_ago=200), headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["rule_id"] == "R-03"
    assert "last valid request day" in problem["detail"]


def test_an_unknown_employer_cvr_is_a_field_error(personas, api_as):
    response = api_as(personas.sagsbehandler).post("/api/v1/cases", _body(employer_cvr="12345674"))
    assert response.status_code == 422
    assert "employer_cvr" in response.json()["errors"]


@pytest.mark.parametrize("username", ["leder", "laege", "jobcenterchef"])
def test_other_roles_may_not_request(username, personas, api_as):
    response = api_as(personas.all()[username]).post("/api/v1/cases", _body())
    assert response.status_code == 403


def test_it_replays_a_retried_request(personas, api_as):
    api = api_as(personas.hr)
    headers = {"Idempotency-Key": "payroll-run-17-row-3"}
    first = api.post("/api/v1/cases", _body(), headers=headers)
    again = api.post("/api/v1/cases", _body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotency-Replayed"] == "true"
    other = api.post("/api/v1/cases", _body(days_ago=4), headers=headers)
    assert other.status_code == 422
    assert FastTrackCase.objects.count() == 1


def test_it_answers_401_without_a_token(db):
    from tests.api.conftest import ApiClient

    assert ApiClient(None).post("/api/v1/cases", _body()).status_code == 401


@pytest.mark.parametrize(
    ("field", "value"),
    [("expects_over_8_weeks", 0), ("first_absence_day", 0), ("answers", [None, None])],
)
def test_it_refuses_values_of_the_wrong_type(field, value, personas, api_as):
    response = api_as(personas.hr).post("/api/v1/cases", _body() | {field: value})
    assert response.status_code == 422
    assert any(key.startswith(field) for key in response.json()["errors"])
