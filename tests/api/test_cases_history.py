"""GET /cases/{id}/events and GET /me/access-log (R-09, R-18, R-25, R-26)."""

from __future__ import annotations

import pytest

from fasttrack.cases import actions

ANSWERS = {
    "affected_functions": "Standing",
    "affected_duration": "A month",
    "adjustments_tried": "None yet",
}


@pytest.fixture
def case_with_certificate_request(personas, make_case):
    case = make_case()
    actions.accept(case=case, actor=personas.janni, answers=ANSWERS)
    actions.request_certificate(case=case, actor=personas.sagsbehandler)
    return case


def test_the_parties_see_the_history_they_may_see(personas, api_as, case_with_certificate_request):
    case = case_with_certificate_request
    url = f"/api/v1/cases/{case.pk}/events"
    caseworker = api_as(personas.sagsbehandler).get(url).json()["items"]
    assert "certificate_requested" in {e["verb"] for e in caseworker}
    assert [e["sequence"] for e in caseworker] == sorted(e["sequence"] for e in caseworker)
    assert set(caseworker[0]) == {
        "sequence",
        "at",
        "verb",
        "actor_role",
        "actor_organisation",
        "old",
        "new",
        "note",
    }
    for user in (personas.hr, personas.leder):
        employer_side = api_as(user).get(url)
        assert employer_side.status_code == 200
        verbs = {e["verb"] for e in employer_side.json()["items"]}
        assert verbs
        assert "certificate_requested" not in verbs
    assert api_as(personas.laege).get(url).json()["items"] == []
    for user in (personas.anden_hr, personas.anden_sagsbehandler):
        assert api_as(user).get(url).status_code == 404


def test_the_history_pages_with_a_cursor(personas, api_as, case_with_certificate_request):
    api = api_as(personas.sagsbehandler)
    url = f"/api/v1/cases/{case_with_certificate_request.pk}/events"
    everything = [e["sequence"] for e in api.get(url).json()["items"]]
    first = api.get(url, limit=1).json()
    second = api.get(url, limit=1, cursor=first["next"]).json()
    assert [e["sequence"] for e in first["items"] + second["items"]] == everything[:2]


def test_the_employee_sees_who_looked_at_their_data(personas, api_as, make_case):
    case = make_case()
    api_as(personas.sagsbehandler).get(f"/api/v1/cases/{case.pk}")
    response = api_as(personas.janni).get("/api/v1/me/access-log")
    assert response.status_code == 200
    items = response.json()["items"]
    assert items
    assert set(items[0]) == {"at", "organisation", "role", "action", "purpose"}
    assert {"role": "caseworker", "action": "read", "purpose": "case_work"}.items() <= items[
        0
    ].items()
    # No staff names.
    assert personas.sagsbehandler.get_full_name() not in response.content.decode()
    assert personas.sagsbehandler.username not in response.content.decode()


@pytest.mark.parametrize(
    "username",
    ["hr", "leder", "laege", "sagsbehandler", "jobcenterchef", "anden-hr", "anden-sagsbehandler"],
)
def test_the_access_log_is_the_employees_only(username, personas, api_as):
    assert api_as(personas.all()[username]).get("/api/v1/me/access-log").status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_rows(
    personas, api_as, make_case, django_assert_max_num_queries
):
    case = make_case()
    caseworker = api_as(personas.sagsbehandler)
    employee = api_as(personas.janni)
    url = f"/api/v1/cases/{case.pk}/events"
    caseworker.get(url)
    employee.get("/api/v1/me/access-log")
    with django_assert_max_num_queries(50) as events_before:
        caseworker.get(url)
    # Counted at once: Django empties its query log when the next request starts.
    events_queries = len(events_before.captured_queries)
    with django_assert_max_num_queries(50) as log_before:
        employee.get("/api/v1/me/access-log")
    log_queries = len(log_before.captured_queries)
    actions.accept(case=case, actor=personas.janni, answers=ANSWERS)
    actions.request_certificate(case=case, actor=personas.sagsbehandler)
    for _ in range(4):
        api_as(personas.hr).get(f"/api/v1/cases/{case.pk}")
    with django_assert_max_num_queries(events_queries):
        assert len(caseworker.get(url).json()["items"]) > 1
    with django_assert_max_num_queries(log_queries):
        assert len(employee.get("/api/v1/me/access-log").json()["items"]) > 4
