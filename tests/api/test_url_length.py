"""An API URL too long for the API is a 414 in the API's error format, before
anything else runs (docs/operations.md, "Request limits").

Issue 12, finding 12: over-long API URLs.
"""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fasttrack.api.middleware import API_MAX_URL_LENGTH


def url_of_length(length: int, path: str = "/api/v1/cases") -> str:
    query = "?cursor="
    return path + query + "x" * (length - len(path) - len(query))


def test_it_answers_a_url_over_the_limit_with_414_problem_json(personas, api_as):
    api = api_as(personas.hr)
    url = url_of_length(API_MAX_URL_LENGTH + 1)

    with CaptureQueriesContext(connection) as queries:
        response = api.client.get(url, headers=api.headers())

    assert response.status_code == 414
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 414
    assert str(API_MAX_URL_LENGTH) in response.json()["detail"]
    # Refused before the token is even looked up.
    assert not queries.captured_queries


def test_it_takes_a_url_of_exactly_the_limit(personas, api_as):
    api = api_as(personas.hr)

    response = api.client.get(url_of_length(API_MAX_URL_LENGTH), headers=api.headers())

    # Read, and refused for its made-up cursor: the URL's length was fine.
    assert response.status_code == 422
    assert "cursor" in response.json()["errors"]


def test_it_answers_without_a_token_too(db):
    response = Client().get(url_of_length(5000, "/api/v1/nowhere"))

    assert response.status_code == 414
    assert response["Content-Type"] == "application/problem+json"


def test_it_leaves_long_page_urls_to_the_pages(login, personas):
    # A complete login, second factor given: the worklist itself must answer.
    client = login(personas.sagsbehandler)

    response = client.get("/jobcenter/?q=" + "x" * 3000)

    assert response.status_code == 200
