"""Every 422 agrees with the OpenAPI document: the document's schema for it
(ValidationProblem) requires `errors`, so every 422, a refusal by a Fast track
rule included, names the fields it concerns."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import jsonschema_rs
import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from fasttrack.api.problems import _on_any_exception
from fasttrack.cases.errors import InvalidTransition, NotPermitted, RuleViolation
from tests.api.conftest import NORDISK_FABRIK

PROBLEM_JSON = "application/problem+json"


@pytest.fixture
def document(db: None) -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def response_schema(document: dict[str, Any], method: str, path: str, status: str) -> Any:
    """A validator for the body the document promises for ``status`` of an operation."""
    schema = document["paths"][path][method]["responses"][status]["content"][PROBLEM_JSON]
    # The schema's $refs point into the document's components.
    return jsonschema_rs.Draft202012Validator(
        {**schema["schema"], "components": document["components"]}
    )


def test_a_request_too_late_is_a_422_the_document_describes(personas, api_as, document):
    first_absence_day = timezone.localdate() - timedelta(days=200)
    response = api_as(personas.hr).post(
        "/api/v1/cases",
        {
            "employee_cpr": "1203814562",
            "first_absence_day": first_absence_day.isoformat(),
            "expects_over_8_weeks": True,
            "employer_cvr": NORDISK_FABRIK,
        },
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    response_schema(document, "post", "/api/v1/cases", "422").validate(body)
    assert body["type"] == "urn:fasttrack:problem:rule-violation"
    assert body["rule_id"] == "R-03"
    assert body["errors"] == {"first_absence_day": [body["detail"]]}
    assert "last valid request day" in body["detail"]


def _rule_violations(status: int = 422) -> list[type[RuleViolation]]:
    found: list[type[RuleViolation]] = []
    pending = [RuleViolation]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            answered = getattr(sub, "http_status", 422) == status
            if not issubclass(sub, InvalidTransition | NotPermitted) and answered:
                found.append(sub)
    return sorted(set(found), key=lambda cls: cls.__name__)


def _example(cls: type[RuleViolation]) -> RuleViolation:
    # Every parameter its message and field name, with a value of the plain kind.
    names = set(re.findall(r"%\((\w+)\)", cls.message + (cls.field or "")))
    return cls(**{name: 0 if name == "index" else "x" for name in names})


@pytest.mark.parametrize("rule", _rule_violations(), ids=lambda cls: cls.__name__)
def test_every_rule_violation_is_a_422_the_document_describes(rule, document):
    validator = response_schema(document, "post", "/api/v1/cases/{case_id}/consent", "422")
    request = RequestFactory().post("/api/v1/cases/1/consent")

    response = _on_any_exception(request, _example(rule))

    assert response.status_code == 422
    body = _json(response)
    validator.validate(body)
    assert body["type"] == "urn:fasttrack:problem:rule-violation"
    assert body["rule_id"] == rule.rule_id
    # The rule's own field, else the request as a whole.
    assert list(body["errors"]) == (_example(rule).field_paths() or ["body"])
    assert all(messages == [body["detail"]] for messages in body["errors"].values())


@pytest.mark.parametrize("rule", _rule_violations(409), ids=lambda cls: cls.__name__)
def test_a_rule_answered_as_a_conflict_is_a_409_the_document_describes(rule, document):
    validator = response_schema(document, "post", "/api/v1/cases", "409")
    request = RequestFactory().post("/api/v1/cases")

    response = _on_any_exception(request, _example(rule))

    assert response.status_code == 409
    body = _json(response)
    validator.validate(body)
    assert body["rule_id"] == rule.rule_id


def test_the_employees_unanswered_questions_are_named_one_by_one(
    personas, api_as, make_case, document
):
    case = make_case()
    path = "/api/v1/cases/{case_id}/consent"
    response = api_as(personas.janni).post(
        path.format(case_id=case.pk),
        {"accept": True, "answers": {"affected_functions": "Lifting"}},
    )

    assert response.status_code == 422
    body = response.json()
    response_schema(document, "post", path, "422").validate(body)
    assert body["rule_id"] == "R-07"
    assert set(body["errors"]) == {"answers.affected_duration", "answers.adjustments_tried"}


def test_a_reason_of_only_spaces_is_named(personas, api_as, make_case, document):
    case = make_case()
    path = "/api/v1/cases/{case_id}/decision"
    response = api_as(personas.sagsbehandler).post(
        path.format(case_id=case.pk), {"continue_fast_track": False, "reason": "   "}
    )

    assert response.status_code == 422
    body = response.json()
    response_schema(document, "post", path, "422").validate(body)
    assert body["rule_id"] == "R-12"
    assert list(body["errors"]) == ["reason"]


def _json(response: Any) -> dict[str, Any]:
    import json

    assert response["Content-Type"] == PROBLEM_JSON
    return json.loads(response.content)
