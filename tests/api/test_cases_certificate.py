"""The medical certificate through the API (R-15 to R-18)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from fasttrack.cases import actions

CERTIFICATE = {
    "diagnosis": "Secret diagnosis",
    "work_capacity": "Four hours a day",
    "considerations": "No lifting",
    "expected_return": "In two weeks",
    "remarks": "",
}


def test_the_caseworker_asks_for_a_certificate(personas, api_as, active_case):
    response = api_as(personas.sagsbehandler).post(
        f"/api/v1/cases/{active_case.pk}/certificate-request", {"due_in_days": 14}
    )
    assert response.status_code == 200
    deadline = next(d for d in response.json()["deadlines"] if d["key"] == "medical_certificate")
    assert deadline["status"] == "pending"


def test_the_request_defaults_to_14_days(personas, api_as, active_case):
    response = api_as(personas.sagsbehandler).post(
        f"/api/v1/cases/{active_case.pk}/certificate-request", {}
    )
    assert response.status_code == 200
    assert active_case.certificate_requests.get().due_in_days >= 14


def test_a_time_past_the_first_conversation_is_422_naming_the_latest_day_r16(
    personas, api_as, active_case
):
    caseworker = api_as(personas.sagsbehandler)
    path = f"/api/v1/cases/{active_case.pk}/certificate-request"
    # The first conversation is booked in 10 days: the certificate is due by then.
    day = timezone.localdate() + timedelta(days=10)
    actions.book_meeting(
        case=active_case,
        actor=personas.sagsbehandler,
        kind="first_conversation",
        starts_at=timezone.make_aware(datetime.combine(day, time(9))),
        location="Jobcentret",
    )

    refused = caseworker.post(path, {"due_in_days": 14}, headers={"Accept-Language": "en"})

    assert refused.status_code == 422
    problem = refused.json()
    assert problem["rule_id"] == "R-16"
    assert list(problem["errors"]) == ["due_in_days"]
    assert day.strftime("%B") in problem["detail"] and str(day.day) in problem["detail"]
    accepted = caseworker.post(path, {})
    assert accepted.status_code == 200
    due = next(d for d in accepted.json()["deadlines"] if d["key"] == "medical_certificate")
    assert due["due"] == day.isoformat()


def test_a_second_request_while_one_is_open_is_409_r35(personas, api_as, active_case):
    caseworker = api_as(personas.sagsbehandler)
    path = f"/api/v1/cases/{active_case.pk}/certificate-request"
    assert caseworker.post(path, {}).status_code == 200

    again = caseworker.post(path, {})

    assert again.status_code == 409
    assert again.json()["rule_id"] == "R-35"
    assert active_case.certificate_requests.count() == 1


@pytest.mark.parametrize(("username", "status"), [("hr", 403), ("janni", 403), ("laege", 404)])
def test_only_the_caseworker_asks(username, status, personas, api_as, active_case):
    response = api_as(personas.all()[username]).post(
        f"/api/v1/cases/{active_case.pk}/certificate-request", {}
    )
    assert response.status_code == status


def test_asking_before_the_consent_is_409(personas, api_as, make_case):
    case = make_case()
    response = api_as(personas.sagsbehandler).post(
        f"/api/v1/cases/{case.pk}/certificate-request", {}
    )
    assert response.status_code == 409


def test_the_doctor_sends_it_and_the_parties_who_may_read_it(personas, api_as, active_case):
    actions.request_certificate(case=active_case, actor=personas.sagsbehandler)
    sent = api_as(personas.laege).client.put(
        f"/api/v1/cases/{active_case.pk}/certificate",
        CERTIFICATE,
        content_type="application/json",
        headers=api_as(personas.laege).headers(),
    )
    assert sent.status_code == 200
    deadline = next(d for d in sent.json()["deadlines"] if d["key"] == "medical_certificate")
    assert deadline["status"] == "met"
    expected = {
        "janni": 200,
        "laege": 200,
        "sagsbehandler": 200,
        "hr": 404,
        "leder": 404,
        "jobcenterchef": 404,
        "anden-hr": 404,
        "anden-sagsbehandler": 404,
    }
    for username, status in expected.items():
        response = api_as(personas.all()[username]).get(
            f"/api/v1/cases/{active_case.pk}/certificate"
        )
        assert response.status_code == status, username
        if status == 200:
            assert response.json()["diagnosis"] == "Secret diagnosis"
        else:
            assert "Secret diagnosis" not in response.content.decode()
    for username in ("hr", "leder"):
        case_json = api_as(personas.all()[username]).get(f"/api/v1/cases/{active_case.pk}")
        assert "Secret diagnosis" not in case_json.content.decode()


def test_sending_it_twice_or_unasked_is_409(personas, api_as, active_case, make_case):
    actions.request_certificate(case=active_case, actor=personas.sagsbehandler)
    api = api_as(personas.laege)

    def put(case_id):
        return api.client.put(
            f"/api/v1/cases/{case_id}/certificate",
            CERTIFICATE,
            content_type="application/json",
            headers=api.headers(),
        )

    assert put(active_case.pk).status_code == 200
    assert put(active_case.pk).status_code == 409


def test_only_the_doctor_sends_it(personas, api_as, active_case):
    actions.request_certificate(case=active_case, actor=personas.sagsbehandler)
    api = api_as(personas.sagsbehandler)
    response = api.client.put(
        f"/api/v1/cases/{active_case.pk}/certificate",
        CERTIFICATE,
        content_type="application/json",
        headers=api.headers(),
    )
    assert response.status_code == 403


def test_no_certificate_yet_is_404(personas, api_as, active_case):
    response = api_as(personas.sagsbehandler).get(f"/api/v1/cases/{active_case.pk}/certificate")
    assert response.status_code == 404
