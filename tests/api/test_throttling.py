"""Rate limits per token: 429 problem+json with Retry-After."""

from __future__ import annotations

import time_machine
from django.utils import timezone


def test_it_answers_429_with_retry_after_beyond_the_rate(personas, api_as, settings):
    settings.API_RATE_LIMIT = "2/min"
    api = api_as(personas.hr)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        assert api.get("/api/v1/me").status_code == 200
    with time_machine.travel(start.timestamp() + 10, tick=False):
        assert api.get("/api/v1/me").status_code == 200
        response = api.get("/api/v1/me")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 429
    # The first request leaves the one-minute window 50 seconds later.
    assert response["Retry-After"] == "50"


def test_it_lets_requests_through_again_after_the_window(personas, api_as, settings):
    settings.API_RATE_LIMIT = "1/min"
    api = api_as(personas.hr)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api.get("/api/v1/me")
        assert api.get("/api/v1/me").status_code == 429
    with time_machine.travel(start.timestamp() + 61, tick=False):
        assert api.get("/api/v1/me").status_code == 200


def test_it_counts_each_token_separately(personas, api_as, settings):
    settings.API_RATE_LIMIT = "1/min"
    hr, other = api_as(personas.hr), api_as(personas.hr)

    assert hr.get("/api/v1/me").status_code == 200
    assert hr.get("/api/v1/me").status_code == 429
    assert other.get("/api/v1/me").status_code == 200


def test_it_does_not_run_a_throttled_post(personas, api_as, settings):
    from fasttrack.api.models import ApiToken

    settings.API_RATE_LIMIT = "1/min"
    api = api_as(personas.hr)
    api.get("/api/v1/me")

    response = api.post("/api/v1/me/tokens", {"name": "x"}, headers={"Idempotency-Key": "k"})

    assert response.status_code == 429
    assert not ApiToken.objects.filter(name="x").exists()
