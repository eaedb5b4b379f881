"""Rate limiting per API token, with ninja's throttling.

The counters live in Django's default cache. Without a CACHES setting that is
each process's own memory, so with N processes a token may make up to N times
the rate; a shared cache (Redis or the database cache) makes the limit hold
across processes. Reading and writing the counter is not atomic, so two
simultaneous requests may both pass at the edge: the limit protects the
service, it is not a quota to the request.
"""

from __future__ import annotations

import math
import threading
import time

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

DEFAULT_RATE = "600/min"


class TokenRateThrottle(SimpleRateThrottle):
    """``API_RATE_LIMIT`` requests (default 600 a minute) per token.

    One instance serves every request, in any thread. ninja's base class keeps
    the current request's history on the instance, where a second thread can
    overwrite it mid-request; this class keeps it in local variables and the
    wait in thread-local storage. The rate is read on every request rather than
    once at start-up, so a changed setting (and ``override_settings`` in tests)
    takes effect.
    """

    scope = "api-token"
    cache_format = "fasttrack-api-throttle:%(scope)s:%(ident)s"

    def __init__(self) -> None:
        super().__init__(rate=DEFAULT_RATE)
        self._local = threading.local()

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        if token is None:
            # Unauthenticated requests stop at the 401 before this runs.
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}

    def allow_request(self, request: HttpRequest) -> bool:
        key = self.get_cache_key(request)
        if key is None:
            return True
        limit, duration = self.parse_rate(getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE))
        assert limit is not None and duration is not None
        now = time.time()
        # Newest first; drop what has left the window.
        history = [moment for moment in self.cache.get(key, []) if moment > now - duration]
        if len(history) >= limit:
            # Free again when the oldest request in the window leaves it.
            self._local.wait = duration - (now - history[-1])
            return False
        history.insert(0, now)
        self.cache.set(key, history, duration)
        return True

    def wait(self) -> float:
        # Rounded first: float noise in the timestamps (50.000001) must not add a second.
        return float(max(1, math.ceil(round(getattr(self._local, "wait", 1), 3))))
