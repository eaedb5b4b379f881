"""Bearer tokens: 401 problem+json for anything but an active token of a user with a role."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone

from fasttrack.api.models import ApiToken
from fasttrack.api.tokens import hash_token, revoke_token
from tests.api.conftest import ApiClient


def assert_unauthorized(response, *, token_sent: bool) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401
    assert body["type"] == "about:blank"
    assert {"title", "detail"} <= set(body)
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith("Bearer")
    assert ('error="invalid_token"' in challenge) is token_sent


@pytest.mark.django_db
def test_it_refuses_a_request_without_a_token():
    assert_unauthorized(ApiClient(None).get("/api/v1/me"), token_sent=False)


@pytest.mark.parametrize(
    "token",
    [
        "wrong",
        "ft_AAAAAAAA_" + "B" * 43,  # well-formed, unknown
        "",
    ],
)
@pytest.mark.django_db
def test_it_refuses_an_unknown_token(token):
    response = ApiClient(None).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert_unauthorized(response, token_sent=True)


def test_it_refuses_another_scheme(personas, token_for):
    token = token_for(personas.hr)
    response = ApiClient(None).get("/api/v1/me", headers={"Authorization": f"Token {token}"})
    assert_unauthorized(response, token_sent=True)


def test_it_refuses_a_revoked_token(personas, token_for):
    raw = token_for(personas.hr)
    api = ApiClient(raw)
    assert api.get("/api/v1/me").status_code == 200

    revoke_token(ApiToken.objects.get(key_hash=hash_token(raw)))

    assert_unauthorized(api.get("/api/v1/me"), token_sent=True)


def test_it_refuses_the_token_of_an_inactive_user(personas, token_for):
    raw = token_for(personas.hr)
    User.objects.filter(pk=personas.hr.pk).update(is_active=False)

    assert_unauthorized(ApiClient(raw).get("/api/v1/me"), token_sent=True)


@pytest.mark.django_db
def test_it_refuses_a_user_without_a_role(token_for):
    admin = User.objects.create_superuser("admin", "admin@example.dk", "x")

    assert_unauthorized(ApiClient(token_for(admin)).get("/api/v1/me"), token_sent=True)


def test_it_does_not_accept_a_web_session_instead_of_a_token(personas, client):
    client.force_login(personas.hr)

    assert_unauthorized(client.get("/api/v1/me"), token_sent=False)


def test_it_stores_only_a_hash_of_the_token(personas, token_for):
    raw = token_for(personas.hr)
    token = ApiToken.objects.get()

    assert token.key_hash == hash_token(raw) != raw
    assert raw.startswith(f"ft_{token.prefix}_")
    assert raw[len(f"ft_{token.prefix}_") :] not in str(vars(token))


def test_it_records_the_last_use_at_most_once_a_minute(personas, token_for):
    raw = token_for(personas.hr)
    api = ApiClient(raw)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api.get("/api/v1/me")
    first = ApiToken.objects.get().last_used_at
    assert first == start

    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        api.get("/api/v1/me")
    assert ApiToken.objects.get().last_used_at == first

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        api.get("/api/v1/me")
    assert ApiToken.objects.get().last_used_at == start + timedelta(seconds=61)


def test_it_needs_no_csrf_token_for_a_bearer_post(personas, token_for):
    from django.test import Client

    api = ApiClient(token_for(personas.hr), Client(enforce_csrf_checks=True))

    assert api.post("/api/v1/me/tokens", {"name": "ci"}).status_code == 201
