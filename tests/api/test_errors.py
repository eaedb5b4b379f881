"""Every error is application/problem+json with the status the contract gives it."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import ApiClient

pytestmark = pytest.mark.urls("tests.api.error_urls")


@pytest.fixture
def api(personas, token_for) -> ApiClient:
    return ApiClient(token_for(personas.sagsbehandler))


def problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)
    return body


def test_it_answers_an_invalid_transition_with_409_and_the_rule(api):
    body = problem(api.get("/api/transition", headers={"Accept-Language": "en"}), 409)

    assert body["type"] == "urn:fasttrack:problem:invalid-transition"
    assert body["rule_id"] == "states"
    assert body["detail"] == "You cannot accept Fast track while the case is “Closed”."


def test_it_answers_a_rule_violation_with_422_and_the_rule(api):
    body = problem(api.get("/api/rule", headers={"Accept-Language": "en"}), 422)

    assert body["type"] == "urn:fasttrack:problem:rule-violation"
    assert body["rule_id"] == "R-03"
    # The rule id is the client's, in rule_id; the detail is for people to read.
    assert "R-03" not in body["detail"]
    assert "2026" in body["detail"]
    # A breach of one input names it, as a validation error does.
    assert body["errors"] == {"first_absence_day": [body["detail"]]}


def test_it_answers_the_conflict_base_class_with_409(api):
    assert problem(api.get("/api/conflict"), 409)["type"] == "urn:fasttrack:problem:conflict"


def test_it_answers_any_exception_with_an_http_status_with_that_status(api):
    problem(api.get("/api/teapot"), 418)


@pytest.mark.parametrize("path", ["/api/missing", "/api/does-not-exist"])
def test_it_answers_404_without_saying_why(api, path):
    body = problem(api.get(path, headers={"Accept-Language": "en"}), 404)

    assert body["detail"] == "Not found, or not yours to see."
    assert "someone else" not in str(body)


def test_it_answers_permission_denied_with_403(api):
    problem(api.get("/api/denied"), 403)


def test_it_answers_a_model_validation_error_with_field_errors(api):
    body = problem(api.get("/api/model-invalid"), 422)

    assert body["errors"] == {"cvr": ["Not a CVR number."]}


def test_it_answers_a_crash_with_500_and_no_internals(personas, token_for):
    api = ApiClient(token_for(personas.sagsbehandler), Client(raise_request_exception=False))

    response = api.get("/api/crash")

    body = problem(response, 500)
    assert "hunter2" not in response.content.decode()
    assert "RuntimeError" not in response.content.decode()
    assert body["type"] == "about:blank"


def test_it_names_the_fields_of_a_validation_error(api):
    body = problem(api.post("/api/answers", {"first_absence_day": 5}), 422)

    assert body["type"] == "urn:fasttrack:problem:validation"
    assert list(body["errors"]) == ["first_absence_day"]


def test_it_names_a_missing_field(api):
    body = problem(api.post("/api/answers", {}, headers={"Accept-Language": "en"}), 422)

    assert body["errors"] == {"first_absence_day": ["This field is required."]}


def test_it_follows_the_requested_language(api):
    english = problem(api.post("/api/answers", {}, headers={"Accept-Language": "en"}), 422)
    danish = problem(api.post("/api/answers", {}), 422)

    assert english["errors"]["first_absence_day"] == ["This field is required."]
    # Django's own Danish catalogue already has this message.
    assert danish["errors"]["first_absence_day"] == ["Dette felt er påkrævet."]


def test_it_answers_the_401_in_problem_form_on_any_api(db):
    problem(ApiClient(None).get("/api/transition"), 401)
