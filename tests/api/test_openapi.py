"""The OpenAPI document and the docs page."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def schema(db: None) -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, path_item in schema["paths"].items():
        for method, operation in path_item.items():
            yield f"{method.upper()} {path}", operation


def test_it_serves_the_document_with_title_version_and_description(schema):
    assert schema["info"]["title"] == "Fasttrack API"
    assert schema["info"]["version"] == "1"
    assert "Idempotency-Key" in schema["info"]["description"]
    assert schema["openapi"].startswith("3.")


def test_it_lists_the_endpoints_that_exist(schema):
    assert set(dict(operations(schema))) == {
        "GET /api/v1/me",
        "GET /api/v1/me/tokens",
        "POST /api/v1/me/tokens",
        "DELETE /api/v1/me/tokens/{prefix}",
        "GET /api/v1/cases",
        "GET /api/v1/cases/{case_id}",
        "POST /api/v1/cases",
        "POST /api/v1/cases/batch",
        "POST /api/v1/cases/batch/csv",
        "POST /api/v1/cases/{case_id}/consent",
        "POST /api/v1/cases/{case_id}/decision",
        "POST /api/v1/cases/{case_id}/certificate-request",
        "PUT /api/v1/cases/{case_id}/certificate",
        "GET /api/v1/cases/{case_id}/certificate",
        "POST /api/v1/cases/{case_id}/meetings",
        "POST /api/v1/cases/{case_id}/meetings/{meeting_id}/held",
        "GET /api/v1/cases/{case_id}/meetings/{meeting_id}/invite.ics",
        "GET /api/v1/cases/{case_id}/plan",
        "PUT /api/v1/cases/{case_id}/plan",
        "GET /api/v1/cases/{case_id}/events",
        "GET /api/v1/events",
        "GET /api/v1/me/access-log",
        "GET /api/v1/me/export",
        "GET /api/v1/cases/{case_id}/documents",
        "POST /api/v1/cases/{case_id}/retention-plan-requests",
        "POST /api/v1/cases/{case_id}/retention-plan-requests/{request_id}/answer",
        "POST /api/v1/cases/{case_id}/opportunity-statements",
        "PUT /api/v1/cases/{case_id}/opportunity-statements/{statement_id}/part-1",
        "POST /api/v1/cases/{case_id}/opportunity-statements/{statement_id}/confirm",
        "PUT /api/v1/cases/{case_id}/opportunity-statements/{statement_id}/part-2",
    }


def test_it_describes_every_operation(schema):
    for name, operation in operations(schema):
        assert operation.get("summary"), name
        assert len(operation.get("description", "")) > 20, name


def test_it_secures_every_operation_with_the_bearer_token(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes == {"ApiTokenAuth": {"type": "http", "scheme": "bearer"}}
    for name, operation in operations(schema):
        assert operation["security"] == [{"ApiTokenAuth": []}], name
        assert "401" in operation["responses"], name
        assert "429" in operation["responses"], name


def test_it_documents_errors_as_problem_json(schema):
    for name, operation in operations(schema):
        for code, response in operation["responses"].items():
            if code.startswith("4"):
                assert list(response["content"]) == ["application/problem+json"], (name, code)


def test_it_describes_every_schema_field(schema):
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            assert spec.get("description"), (name, field)


def test_it_serves_the_docs_page(db):
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content
