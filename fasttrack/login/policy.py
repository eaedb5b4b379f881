"""Who needs what to come in: operators, second factors and session limits.

The administration is for the installation's operators (active superusers)
only. Jobcentre staff, doctors and operators see health data or can change who
sees it, so they log in with a second factor and their sessions end sooner.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings

from fasttrack.people.models import Role, membership_of

# Roles whose users log in with a second factor (TOTP) and get the short sessions.
SECOND_FACTOR_ROLES = frozenset(
    {Role.CASEWORKER, Role.JOBCENTRE_MANAGER, Role.DOCTOR, Role.ADMINISTRATOR}
)


def is_operator(user: Any) -> bool:
    """Whether ``user`` runs the installation and may use the administration."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def is_verified(user: Any) -> bool:
    """Whether this request's user has given the second factor (django-otp's middleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def needs_second_factor(user: Any) -> bool:
    """Whether ``user`` must prove a second factor before using Fasttrack."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_operator(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.role in SECOND_FACTOR_ROLES


def idle_timeout() -> timedelta:
    return timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS)


def absolute_timeout() -> timedelta:
    return timedelta(seconds=settings.STAFF_SESSION_MAX_SECONDS)
