"""/api/v1/me/tokens: list, create and revoke one's own tokens."""

from __future__ import annotations

import pytest

from fasttrack.api.models import ApiToken
from tests.api.conftest import ApiClient


def test_it_creates_a_token_that_works_and_shows_it_once(personas, api_as):
    api = api_as(personas.hr)

    response = api.post("/api/v1/me/tokens", {"name": "Payroll"})

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"prefix", "name", "created_at", "last_used_at", "revoked_at", "token"}
    assert body["name"] == "Payroll"
    assert body["token"].startswith(f"ft_{body['prefix']}_")
    assert ApiClient(body["token"]).get("/api/v1/me").json()["username"] == "hr"
    listed = api.get("/api/v1/me/tokens").json()["items"]
    assert all("token" not in item for item in listed)
    assert body["token"] not in api.get("/api/v1/me/tokens").content.decode()


def test_it_lists_only_my_tokens_newest_first(personas, api_as):
    api = api_as(personas.hr)
    api.post("/api/v1/me/tokens", {"name": "second"})
    api_as(personas.anden_hr)

    items = api.get("/api/v1/me/tokens").json()["items"]

    assert [item["name"] for item in items] == ["second", "test"]


def test_it_lists_tokens_with_a_bounded_number_of_queries(
    personas, api_as, django_assert_max_num_queries
):
    api = api_as(personas.hr)
    for number in range(5):
        api.post("/api/v1/me/tokens", {"name": f"token {number}"})
    api.get("/api/v1/me/tokens")

    # The token look-up, the rate limit's count and one query for the page,
    # however many tokens.
    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/me/tokens", limit=3)
    assert len(response.json()["items"]) == 3


def test_it_pages_through_the_tokens(personas, api_as):
    api = api_as(personas.hr)
    for number in range(4):
        api.post("/api/v1/me/tokens", {"name": f"token {number}"})

    seen, cursor = [], None
    while True:
        page = api.get("/api/v1/me/tokens", limit=2, **({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200
        seen += [item["prefix"] for item in page.json()["items"]]
        cursor = page.json()["next"]
        if cursor is None:
            break

    assert seen == list(ApiToken.objects.filter(user=personas.hr).values_list("prefix", flat=True))
    assert len(seen) == 5


def test_it_revokes_my_token_at_once(personas, api_as):
    api = api_as(personas.hr)
    new = api.post("/api/v1/me/tokens", {"name": "old"}).json()

    response = api.delete(f"/api/v1/me/tokens/{new['prefix']}")

    assert response.status_code == 204
    assert response.content == b""
    assert ApiClient(new["token"]).get("/api/v1/me").status_code == 401
    assert api.delete(f"/api/v1/me/tokens/{new['prefix']}").status_code == 204


def test_it_lets_a_token_revoke_itself(personas, api_as):
    api = api_as(personas.hr)
    prefix = ApiToken.objects.get().prefix

    assert api.delete(f"/api/v1/me/tokens/{prefix}").status_code == 204
    assert api.get("/api/v1/me").status_code == 401


def test_it_answers_404_for_someone_elses_token(personas, api_as):
    api_as(personas.anden_hr)
    other = ApiToken.objects.get(user=personas.anden_hr)

    response = api_as(personas.hr).delete(f"/api/v1/me/tokens/{other.prefix}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert other.revoked_at is None
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 101}, {"name": None}])
def test_it_refuses_an_invalid_name_with_field_errors(body, personas, api_as):
    response = api_as(personas.hr).post("/api/v1/me/tokens", body)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:fasttrack:problem:validation"
    assert list(problem["errors"]) == ["name"]
    assert all(isinstance(message, str) for message in problem["errors"]["name"])


def test_it_refuses_a_body_that_is_not_json(personas, api_as):
    response = api_as(personas.hr).post("/api/v1/me/tokens", raw=b"{not json")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "errors" in response.json()


def test_it_caps_the_active_tokens_per_user(personas, api_as, settings):
    settings.API_MAX_ACTIVE_TOKENS = 2
    api = api_as(personas.hr)
    assert api.post("/api/v1/me/tokens", {"name": "second"}).status_code == 201

    response = api.post("/api/v1/me/tokens", {"name": "third"})

    assert response.status_code == 409
    assert response.json()["type"] == "urn:fasttrack:problem:too-many-tokens"
    assert ApiToken.objects.filter(user=personas.hr).count() == 2
