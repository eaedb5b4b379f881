"""The medical certificate through the API (R-15 to R-18)."""

from __future__ import annotations

import pytest

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
