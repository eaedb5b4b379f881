"""GET /cases and GET /cases/{id}: who sees which case, and what of it (R-09, R-18, R-28)."""

from __future__ import annotations

import pytest

from fasttrack.cases import actions

# Who sees a case HR requested for Janni with leder as nearest manager, before
# any certificate request (the doctor sees it only once their clinic is asked).
SEES_CASE = {
    "hr": True,
    "leder": True,
    "janni": True,
    "laege": False,
    "sagsbehandler": True,
    "jobcenterchef": True,
    "anden-hr": False,
    "anden-sagsbehandler": False,
}


@pytest.mark.parametrize(("username", "sees"), sorted(SEES_CASE.items()))
def test_each_persona_sees_exactly_the_cases_that_are_theirs(
    username, sees, personas, api_as, make_case
):
    case = make_case()
    api = api_as(personas.all()[username])
    listing = api.get("/api/v1/cases")
    assert listing.status_code == 200
    assert [item["id"] for item in listing.json()["items"]] == ([case.pk] if sees else [])
    detail = api.get(f"/api/v1/cases/{case.pk}")
    assert detail.status_code == (200 if sees else 404)
    if not sees:
        assert detail["Content-Type"] == "application/problem+json"


def test_it_answers_404_for_a_case_that_does_not_exist(personas, api_as):
    response = api_as(personas.sagsbehandler).get("/api/v1/cases/999999")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_it_shows_the_whole_case_to_the_caseworker(personas, api_as, make_case):
    case = make_case()
    body = api_as(personas.sagsbehandler).get(f"/api/v1/cases/{case.pk}").json()
    assert body["id"] == case.pk
    assert body["state"] == "awaiting_consent"
    assert body["requested_by"] == "employer"
    assert body["employee"] == {"name": "Janni Mikkelsen"}
    assert body["employer"] == {"cvr": "29887659", "name": "Nordisk Fabrik A/S"}
    assert body["municipality"]["code"] == "101"
    assert body["answers"]["employer"]["affected_functions"] == "Lifting"
    assert body["answers"]["employee"] is None
    keys = {d["key"] for d in body["deadlines"]}
    assert "employee_consent" in keys
    assert set(body["deadlines"][0]) == {"key", "due", "basis", "status", "met_on"}
    assert body["next_deadline"]["key"] == "employee_consent"
    assert body["meetings"] == []


def test_it_never_gives_the_employer_side_the_employees_answers_or_health_data(
    personas, api_as, make_case
):
    case = make_case()
    actions.accept(
        case=case,
        actor=personas.janni,
        answers={
            "affected_functions": "Secret employee answer",
            "affected_duration": "A month",
            "adjustments_tried": "None",
        },
    )
    actions.request_certificate(case=case, actor=personas.sagsbehandler)
    for user in (personas.hr, personas.leder):
        response = api_as(user).get(f"/api/v1/cases/{case.pk}")
        body = response.json()
        assert body["answers"]["employee"] is None
        assert body["answers"]["employer"] is not None
        assert "Secret employee answer" not in response.content.decode()
        assert "medical_certificate" not in response.content.decode()
        listing = api_as(user).get("/api/v1/cases")
        assert "medical_certificate" not in listing.content.decode()
    employee = api_as(personas.janni).get(f"/api/v1/cases/{case.pk}").json()
    assert employee["answers"]["employee"]["affected_functions"] == "Secret employee answer"
    assert "medical_certificate" in {d["key"] for d in employee["deadlines"]}
    # The doctor sees the case once the clinic is asked for a certificate.
    assert api_as(personas.laege).get(f"/api/v1/cases/{case.pk}").status_code == 200


def test_it_lists_the_most_urgent_case_first_and_pages_with_a_cursor(personas, api_as, make_case):
    older = make_case(days_ago=10)
    newer = make_case(days_ago=3)
    api = api_as(personas.sagsbehandler)
    first = api.get("/api/v1/cases", limit=1).json()
    assert [item["id"] for item in first["items"]] == [older.pk]
    assert first["next"]
    second = api.get("/api/v1/cases", limit=1, cursor=first["next"]).json()
    assert [item["id"] for item in second["items"]] == [newer.pk]
    assert second["next"] is None


def test_it_refuses_a_forged_cursor(personas, api_as):
    response = api_as(personas.hr).get("/api/v1/cases", cursor="forged")
    assert response.status_code == 422
    assert "cursor" in response.json()["errors"]


def test_it_logs_the_read_of_a_case(personas, api_as, make_case):
    from fasttrack.audit.models import AccessLogEntry

    case = make_case()
    api_as(personas.hr).get(f"/api/v1/cases/{case.pk}")
    entry = AccessLogEntry.objects.filter(user=personas.hr, case=case).latest("at")
    assert entry.purpose == "employer_followup"


@pytest.mark.parametrize("username", ["hr", "leder", "sagsbehandler"])
def test_the_number_of_queries_of_the_list_does_not_grow_with_the_cases(
    username, personas, api_as, make_case, django_assert_max_num_queries
):
    api = api_as(personas.all()[username])
    make_case(days_ago=3)
    api.get("/api/v1/cases")  # warm up the token's last-used time
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert len(api.get("/api/v1/cases").json()["items"]) == 1
    for days in (4, 5, 6, 7):
        make_case(days_ago=days)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api.get("/api/v1/cases").json()["items"]) == 5
