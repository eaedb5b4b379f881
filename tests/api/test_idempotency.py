"""Idempotency-Key on POST: replay, refusal of another body, in-progress conflicts."""

from __future__ import annotations

import threading
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

import fasttrack.api.me as me_module
from fasttrack.api import idempotency
from fasttrack.api.idempotency import key_hash, request_hash
from fasttrack.api.models import ApiToken, IdempotencyRecord, IdempotencyState
from fasttrack.people.demo import build_demo_world
from tests.api.conftest import ApiClient

TOKENS = "/api/v1/me/tokens"


def key(value: str = "key-1") -> dict[str, str]:
    return {"Idempotency-Key": value}


@pytest.fixture
def api(personas, api_as) -> ApiClient:
    return api_as(personas.hr)


def test_it_replays_the_first_response_exactly(api):
    first = api.post(TOKENS, {"name": "Payroll"}, headers=key())

    again = api.post(TOKENS, {"name": "Payroll"}, headers=key())

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotency-Replayed"] == "true"
    assert "Idempotency-Replayed" not in first
    assert ApiToken.objects.filter(name="Payroll").count() == 1


def test_it_treats_the_same_json_written_differently_as_the_same_body(api):
    first = api.post(TOKENS, raw=b'{"name": "Payroll"}', headers=key())

    again = api.post(TOKENS, raw=b'{\n  "name":"Payroll"\n}', headers=key())

    assert again.content == first.content
    assert again["Idempotency-Replayed"] == "true"


def test_it_refuses_the_same_key_with_another_body(api):
    api.post(TOKENS, {"name": "Payroll"}, headers=key())

    response = api.post(TOKENS, {"name": "Something else"}, headers=key())

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:fasttrack:problem:idempotency-key-reused"
    assert list(problem["errors"]) == ["Idempotency-Key"]
    assert ApiToken.objects.filter(name="Something else").count() == 0


def test_it_keeps_keys_apart_per_user(personas, api_as):
    hr, other = api_as(personas.hr), api_as(personas.anden_hr)

    hr.post(TOKENS, {"name": "Payroll"}, headers=key())
    response = other.post(TOKENS, {"name": "Payroll"}, headers=key())

    assert response.status_code == 201
    assert "Idempotency-Replayed" not in response


def test_it_acts_each_time_without_a_key(api):
    api.post(TOKENS, {"name": "Payroll"})
    api.post(TOKENS, {"name": "Payroll"})

    assert ApiToken.objects.filter(name="Payroll").count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_it_answers_409_while_the_first_request_is_in_progress(api, personas):
    IdempotencyRecord.objects.create(
        user=personas.hr,
        key_hash=key_hash("key-1"),
        method="POST",
        path=TOKENS,
        request_hash=request_hash(b'{"name": "Payroll"}'),
    )

    response = api.post(TOKENS, {"name": "Payroll"}, headers=key())

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:fasttrack:problem:idempotency-key-in-use"
    assert response["Retry-After"] == "1"
    assert not ApiToken.objects.filter(name="Payroll").exists()


def test_it_takes_over_a_key_whose_request_died(api, personas):
    stale = timezone.now() - timedelta(minutes=10)
    IdempotencyRecord.objects.create(
        user=personas.hr,
        key_hash=key_hash("key-1"),
        method="POST",
        path=TOKENS,
        request_hash=request_hash(b'{"name": "Payroll"}'),
        created_at=stale,
    )

    response = api.post(TOKENS, {"name": "Payroll"}, headers=key())

    assert response.status_code == 201
    assert IdempotencyRecord.objects.get().state == IdempotencyState.DONE


def test_it_remembers_a_refusal_too(api, settings):
    settings.API_MAX_ACTIVE_TOKENS = 1
    first = api.post(TOKENS, {"name": "Payroll"}, headers=key())
    settings.API_MAX_ACTIVE_TOKENS = 10

    again = api.post(TOKENS, {"name": "Payroll"}, headers=key())

    assert first.status_code == again.status_code == 409
    assert again.content == first.content
    assert again["Idempotency-Replayed"] == "true"


def test_it_forgets_the_key_after_a_server_error(api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("fasttrack.api.me.issue_token", broken)
    api.client.raise_request_exception = False
    failed = api.post(TOKENS, {"name": "Payroll"}, headers=key())
    monkeypatch.undo()

    retried = api.post(TOKENS, {"name": "Payroll"}, headers=key())

    assert failed.status_code == 500
    assert retried.status_code == 201
    assert "Idempotency-Replayed" not in retried


def test_it_does_not_remember_input_that_fails_validation(api):
    assert api.post(TOKENS, {"name": ""}, headers=key()).status_code == 422

    assert api.post(TOKENS, {"name": "Payroll"}, headers=key()).status_code == 201


def test_it_stores_neither_the_key_nor_the_response_in_clear(api):
    response = api.post(TOKENS, {"name": "Payroll"}, headers=key("my-secret-key"))
    token = response.json()["token"]

    record = IdempotencyRecord.objects.get()
    stored = " ".join(str(value) for value in vars(record).values())
    assert "my-secret-key" not in stored
    assert token not in stored
    assert "Payroll" not in stored
    assert record.response_status == 201


def test_it_forgets_keys_after_24_hours(api):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = api.post(TOKENS, {"name": "Payroll"}, headers=key())
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        again = api.post(TOKENS, {"name": "Payroll"}, headers=key())

    assert again.status_code == 201
    assert again.json()["token"] != first.json()["token"]


def test_it_purges_old_keys_with_a_command(api, personas):
    start = timezone.now()
    with time_machine.travel(start - timedelta(hours=25), tick=False):
        api.post(TOKENS, {"name": "old"}, headers=key("old"))
    api.post(TOKENS, {"name": "new"}, headers=key("new"))

    out = StringIO()
    call_command("purge", "--only", "idempotency_record", stdout=out)

    assert list(IdempotencyRecord.objects.values_list("key_hash", flat=True)) == [key_hash("new")]
    assert out.getvalue().startswith("Erased 1 idempotency_record row(s)")


def test_it_documents_the_header_on_every_post():
    from fasttrack.api.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    for path_item in schema["paths"].values():
        for method, operation in path_item.items():
            if method in ("post", "put"):
                names = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
                assert "Idempotency-Key" in names


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_concurrent_requests_act(token_for, monkeypatch):
    """A real race on PostgreSQL: the second request arrives while the first
    is inside the view; it must get 409, and a later retry the replay."""
    build_demo_world()
    raw = token_for(User.objects.get(username="hr"))
    inside, release = threading.Event(), threading.Event()
    original = me_module.issue_token

    def slow_issue(**kwargs):
        inside.set()
        release.wait(10)
        return original(**kwargs)

    monkeypatch.setattr(me_module, "issue_token", slow_issue)
    results: dict[str, object] = {}

    def first_request() -> None:
        try:
            results["first"] = ApiClient(raw).post(TOKENS, {"name": "race"}, headers=key())
        finally:
            connection.close()

    thread = threading.Thread(target=first_request)
    thread.start()
    assert inside.wait(10)
    second = ApiClient(raw).post(TOKENS, {"name": "race"}, headers=key())
    release.set()
    thread.join(10)

    first = results["first"]
    assert first.status_code == 201  # type: ignore[attr-defined]
    assert second.status_code == 409
    third = ApiClient(raw).post(TOKENS, {"name": "race"}, headers=key())
    assert third.content == first.content  # type: ignore[attr-defined]
    assert ApiToken.objects.filter(name="race").count() == 1


def test_it_hashes_json_bodies_canonically():
    assert request_hash(b'{"a": 1, "b": [1, 2]}') == request_hash(b'{"b":[1,2],"a":1}')
    assert request_hash(b'{"a": 1}') != request_hash(b'{"a": 2}')
    assert request_hash(b"not json") == request_hash(b"not json")
    assert idempotency.MAX_KEY_LENGTH == 255
