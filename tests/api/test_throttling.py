"""Rate limits per token: 429 problem+json with Retry-After.

Issue 12, finding 10: the count is shared by processes and threads.
"""

from __future__ import annotations

import multiprocessing
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import time_machine
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fasttrack.api.models import ApiToken, RateLimitWindow
from fasttrack.api.throttling import RedisCounter
from tests.api.conftest import ApiClient


def test_it_answers_429_with_retry_after_beyond_the_rate(personas, api_as, settings):
    settings.API_RATE_LIMIT = "2/min"
    api = api_as(personas.hr)
    start = timezone.now().replace(microsecond=0)  # whole seconds: exact Retry-After

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


# --- one atomic counter that every process shares (the limit must not leak) ---

RATE = "600/min"
LIMIT = 600
THREADS = 16
REQUESTS_PER_THREAD = 45  # 720 in all: 600 pass, 120 are refused


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


# A database number and a key prefix of the tests' own, so that they never meet
# the keys of a running installation or of another test run.
TEST_REDIS_URL = "redis://127.0.0.1:6379/13"
needs_redis = pytest.mark.skipif(
    not redis_answers(), reason=f"Redis does not answer at {TEST_REDIS_URL}"
)
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "needs PostgreSQL: SQLite's test database lives in memory, where writers in "
        "other threads are refused rather than queued and other processes see nothing"
    ),
)


@pytest.fixture
def redis_limits(settings) -> Iterator[str]:
    """The rate limit counted in the local Redis, under a prefix of this test alone."""
    prefix = f"fasttrack-test-{uuid.uuid4().hex}"
    # As settings.py configures it from REDIS_URL: Django's cache in Redis too.
    settings.REDIS_URL = TEST_REDIS_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.API_RATE_LIMIT_KEY_PREFIX = prefix
    yield prefix
    client = redis.Redis.from_url(TEST_REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def hammer(token: str) -> Counter[int]:
    """THREADS threads, each sending REQUESTS_PER_THREAD requests with ``token``
    at the same moment; how many answers of each status came back."""
    barrier = threading.Barrier(THREADS)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    retry_after: list[int] = []

    def run() -> None:
        api = ApiClient(token)
        try:
            barrier.wait()
            for _ in range(REQUESTS_PER_THREAD):
                response = api.get("/api/v1/me")
                with lock:
                    statuses[response.status_code] += 1
                    if response.status_code == 429:
                        retry_after.append(int(response["Retry-After"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # Everything happened within the window: the wait is at most its length.
    assert retry_after and all(1 <= seconds <= 60 for seconds in retry_after), retry_after
    return statuses


def test_it_counts_in_the_database_that_every_process_shares(personas, api_as):
    api = api_as(personas.hr)

    api.get("/api/v1/me")
    api.get("/api/v1/me")

    (window,) = RateLimitWindow.objects.all()
    assert window.hits == 2
    assert window.key.endswith(f":token:{ApiToken.objects.get().pk}")


def test_it_counts_a_request_with_one_statement(personas, token_for, rf):
    from fasttrack.api.throttling import TokenRateThrottle

    token_for(personas.hr)
    request = rf.get("/api/v1/me")
    request.auth = ApiToken.objects.get()
    throttle = TokenRateThrottle()

    with CaptureQueriesContext(connection) as queries:
        assert throttle.allow_request(request)

    assert len(queries.captured_queries) == 1


def test_it_starts_a_new_window_once_the_old_one_has_passed(personas, api_as, settings):
    settings.API_RATE_LIMIT = "2/min"
    api = api_as(personas.hr)
    # A whole second: the window's start and its end 60 s later are then exact
    # floats, and the boundary is the rule's, not a rounding's.
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        api.get("/api/v1/me")
        api.get("/api/v1/me")
        assert api.get("/api/v1/me").status_code == 429
    with time_machine.travel(start.timestamp() + 60, tick=False):
        assert api.get("/api/v1/me").status_code == 200
        assert api.get("/api/v1/me").status_code == 200
        response = api.get("/api/v1/me")

    assert response.status_code == 429
    assert response["Retry-After"] == "60"


@needs_postgresql
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_the_limit_through_from_16_threads(personas, token_for, settings):
    settings.API_RATE_LIMIT = RATE

    statuses = hammer(token_for(personas.hr))

    assert statuses == {200: LIMIT, 429: THREADS * REQUESTS_PER_THREAD - LIMIT}


def _requests_in_a_process(token: str, count: int, results: Any) -> None:
    # A forked process: its own memory, its own database connection.
    connections.close_all()
    api = ApiClient(token)
    results.put(Counter(api.get("/api/v1/me").status_code for _ in range(count)))
    connections.close_all()


@needs_postgresql
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_shares_the_count_between_processes(personas, token_for, settings):
    # Two server processes: each counting in its own memory would let 2 x 40 through.
    settings.API_RATE_LIMIT = "50/min"
    token = token_for(personas.hr)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [
        context.Process(target=_requests_in_a_process, args=(token, 40, results)) for _ in range(2)
    ]
    for process in processes:
        process.start()
    statuses = results.get(timeout=60) + results.get(timeout=60)
    for process in processes:
        process.join(timeout=60)

    assert statuses == {200: 50, 429: 30}


@needs_redis
@needs_postgresql
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_the_limit_through_from_16_threads_with_redis(
    personas, token_for, settings, redis_limits
):
    settings.API_RATE_LIMIT = RATE

    statuses = hammer(token_for(personas.hr))

    assert statuses == {200: LIMIT, 429: THREADS * REQUESTS_PER_THREAD - LIMIT}
    assert not RateLimitWindow.objects.exists()


@needs_redis
def test_it_counts_atomically_in_redis_from_16_threads(redis_limits):
    # The counter alone, without HTTP or a database, so that it runs on SQLite too.
    counter = RedisCounter(TEST_REDIS_URL)
    key = f"{redis_limits}:atomic"
    counts: list[int] = []
    barrier = threading.Barrier(THREADS)

    def run() -> None:
        barrier.wait()
        for _ in range(REQUESTS_PER_THREAD):
            counts.append(counter.hit(key, 60, time.time()).count)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Every hit got its own number: no update was lost.
    assert sorted(counts) == list(range(1, THREADS * REQUESTS_PER_THREAD + 1))


@needs_redis
def test_it_answers_429_with_the_windows_rest_from_redis(personas, api_as, settings, redis_limits):
    settings.API_RATE_LIMIT = "2/min"
    api = api_as(personas.hr)

    assert api.get("/api/v1/me").status_code == 200
    assert api.get("/api/v1/me").status_code == 200
    response = api.get("/api/v1/me")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    # The window began a moment ago; Redis's own clock says how much is left.
    assert int(response["Retry-After"]) in (59, 60)
    assert not RateLimitWindow.objects.exists()


def test_it_lets_requests_through_when_redis_does_not_answer(personas, api_as, settings, caplog):
    # A closed port: the limit is not counted for that request, and the API keeps working.
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/13"
    settings.API_RATE_LIMIT = "1/min"
    api = api_as(personas.hr)

    assert api.get("/api/v1/me").status_code == 200
    assert api.get("/api/v1/me").status_code == 200
    assert "Rate limit not counted, Redis failed" in caplog.text


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
