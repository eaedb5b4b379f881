"""Lock-out after failed logins (RULES.md R-25), counted from the access log.

Failures are the access log's ``login_failed`` entries for a username; the
rule itself is ``fasttrack.lib.lockout.blocked_until``. Every way in refuses a
blocked account: the password backend, the NemLog-in backend and API tokens.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from fasttrack.audit.access import failed_logins_since, last_failed_login_at, stored_username
from fasttrack.audit.models import AccessAction, AccessLogEntry
from fasttrack.lib.lockout import blocked_until


class LoginBlocked(PermissionDenied):
    """The account is blocked until ``until``; Django's ``authenticate`` stops at it."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(f"Login blocked until {until.isoformat()}")


def _window() -> timedelta:
    return timedelta(hours=settings.LOGIN_FAILURE_WINDOW_HOURS)


def _lockout() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def login_blocked_until(username: str, *, now: datetime | None = None) -> datetime | None:
    """When ``username`` may try again, or None when it is not blocked."""
    now = now or timezone.now()
    return blocked_until(
        failures_in_window=failed_logins_since(username, since=now - _window()),
        latest_failure=last_failed_login_at(username),
        now=now,
        limit=settings.LOGIN_FAILURE_LIMIT,
        lockout=_lockout(),
    )


def refuse_if_blocked(username: str) -> None:
    """Raise ``LoginBlocked`` when ``username`` is blocked."""
    until = login_blocked_until(username)
    if until is not None:
        raise LoginBlocked(until)


def with_login_failures(
    queryset: QuerySet[Any], username_path: str, *, now: datetime
) -> QuerySet[Any]:
    """``queryset`` annotated with its user's recent failures, in the same query.

    Adds ``login_failures`` (within the window) and ``latest_login_failure``, so
    that a check on every API request costs no query of its own; pass the
    annotated row to ``is_blocked``.
    """
    failures = AccessLogEntry.objects.filter(
        action=AccessAction.LOGIN_FAILED, username=OuterRef(username_path)
    )
    in_window = (
        failures.filter(at__gte=now - _window())
        .order_by()
        .values("username")
        .annotate(count=Count("id"))
        .values("count")[:1]
    )
    latest = failures.order_by("-at").values("at")[:1]
    return queryset.annotate(
        login_failures=Coalesce(Subquery(in_window, output_field=IntegerField()), Value(0)),
        latest_login_failure=Subquery(latest),
    )


def is_blocked(row: Any, username: str, *, now: datetime) -> bool:
    """Whether the user of a row annotated by ``with_login_failures`` is blocked."""
    if stored_username(username) != username:
        # The access log keeps CPR-like digits masked, so the annotation could
        # not match this username; ask the log directly.
        return login_blocked_until(username, now=now) is not None
    until = blocked_until(
        failures_in_window=row.login_failures,
        latest_failure=row.latest_login_failure,
        now=now,
        limit=settings.LOGIN_FAILURE_LIMIT,
        lockout=_lockout(),
    )
    return until is not None
