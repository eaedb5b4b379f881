"""The lock-out rule of RULES.md R-25, as a pure function.

Every way in (the login form, the administration's login, NemLog-in and API
tokens) asks this one rule, fed with the failures counted from the access log.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def blocked_until(
    *,
    failures_in_window: int,
    latest_failure: datetime | None,
    now: datetime,
    limit: int,
    lockout: timedelta,
) -> datetime | None:
    """When a blocked account may try again, or None when it is not blocked.

    ``limit`` failures within the window block the account until ``lockout``
    has passed since the latest failure.
    """
    if failures_in_window < limit or latest_failure is None:
        return None
    until = latest_failure + lockout
    return until if until > now else None
