"""Rate limiting per API token, counted atomically where every process sees it.

A fixed window per token: the first request starts a window of the rate's
duration, each request adds one, and beyond the limit the answer is 429 until
the window ends (``Retry-After`` says when). Counting is one atomic step, so
concurrent requests from any number of threads and processes never pass more
than the limit:

- with ``REDIS_URL``: a Lua script (``INCR``, and ``PEXPIRE`` on the first
  hit) in one round trip;
- without: one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement on the
  ``RateLimitWindow`` row of the token, in the database every process shares.

Either costs one round trip per request. A counter in each process's memory
would let N processes pass N times the limit, and a read-then-write on a cache
loses updates under concurrency; both are what this module replaces.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from fasttrack.api.models import RateLimitWindow

logger = logging.getLogger("fasttrack.api")

DEFAULT_RATE = "600/min"
# A Redis that does not answer must not hold requests up: the limit is let go
# for that request (logged) rather than the API failing with it.
REDIS_TIMEOUT_SECONDS = 0.5


@dataclass(frozen=True)
class Hit:
    """The count in the current window, this request included, and the
    seconds until the window ends."""

    count: int
    resets_in: float


# Only for its parser: ninja's notation ("600/min", "20/s", "1000/h").
_NINJA_RATES = SimpleRateThrottle(DEFAULT_RATE)


def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/min"`` -> (600, 60): requests and the window in seconds."""
    limit, duration = _NINJA_RATES.parse_rate(rate)
    if limit is None or duration is None:
        raise ValueError(f"API_RATE_LIMIT is not a rate: {rate!r}")
    return limit, duration


class DatabaseCounter:
    """The window's count in ``RateLimitWindow``, raised by one statement."""

    def hit(self, key: str, duration: int, now: float) -> Hit:
        # Every SET expression reads the row as it was, on PostgreSQL and
        # SQLite alike; the row lock of ON CONFLICT makes concurrent hits queue.
        quote = connection.ops.quote_name
        table, key_column = quote(RateLimitWindow._meta.db_table), quote("key")
        started, hits = quote("window_started"), quote("hits")
        sql = f"""
            INSERT INTO {table} ({key_column}, {started}, {hits}) VALUES (%s, %s, 1)
            ON CONFLICT ({key_column}) DO UPDATE SET
                {hits} = CASE WHEN {table}.{started} <= %s THEN 1 ELSE {table}.{hits} + 1 END,
                {started} = CASE WHEN {table}.{started} <= %s
                                 THEN excluded.{started} ELSE {table}.{started} END
            RETURNING {hits}, {started}
        """  # noqa: S608 (names are ours and quoted; every value is a parameter)
        expired_before = now - duration
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, now, expired_before, expired_before])
            hits, window_started = cursor.fetchone()
        return Hit(count=hits, resets_in=window_started + duration - now)


# KEYS[1] the counter, ARGV[1] the window in milliseconds. A key left without an
# expiry (it cannot happen through this script, but a restore could) gets one,
# so a token is never locked out for good.
_REDIS_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


class RedisCounter:
    """The window's count in Redis, raised by a Lua script (atomic in Redis)."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        self.script = self.client.register_script(_REDIS_HIT)

    def hit(self, key: str, duration: int, now: float) -> Hit:
        count, ttl_ms = self.script(keys=[key], args=[duration * 1000])
        return Hit(count=int(count), resets_in=int(ttl_ms) / 1000)


_redis_counters: dict[str, RedisCounter] = {}
_redis_lock = threading.Lock()


def counter() -> DatabaseCounter | RedisCounter:
    """Redis when ``REDIS_URL`` is set, else the database; read per request so
    that a changed setting (``override_settings`` in tests) takes effect."""
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return DatabaseCounter()
    with _redis_lock:
        if url not in _redis_counters:
            # One connection pool per process, shared by its threads.
            _redis_counters[url] = RedisCounter(url)
        return _redis_counters[url]


class TokenRateThrottle(BaseThrottle):
    """``API_RATE_LIMIT`` requests (default 600 a minute) per token.

    One instance serves every request, in any thread, so the wait for
    ``Retry-After`` is kept in thread-local storage.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def key(self, token_pk: int) -> str:
        return f"{settings.API_RATE_LIMIT_KEY_PREFIX}:api-rate:token:{token_pk}"

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if token is None:
            # Unauthenticated requests stop at the 401 before this runs.
            return True
        limit, duration = parse_rate(getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE))
        source = counter()
        try:
            hit = source.hit(self.key(token.pk), duration, time.time())
        except redis.RedisError as error:
            logger.warning("Rate limit not counted, Redis failed: %s", type(error).__name__)
            return True
        if hit.count <= limit:
            return True
        self._local.wait = hit.resets_in
        return False

    def wait(self) -> float:
        # Rounded first: float noise in the timestamps (50.000001) must not add a second.
        return float(max(1, math.ceil(round(getattr(self._local, "wait", 1), 3))))
