from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "fasttrack.audit"
    label = "audit"
    verbose_name = _("History and access log")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        # Logging only: what a failure leads to (blocking the account after
        # repeated failures, R-25) is decided where logins are handled.
        user_login_failed.connect(log_failed_login, dispatch_uid="fasttrack.audit.log_failed_login")


def log_failed_login(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    """Write a ``login_failed`` access log entry with the username that was tried."""
    from django.contrib.auth import get_user_model

    from fasttrack.audit.access import log_access
    from fasttrack.audit.models import AccessAction, Purpose

    username_field = get_user_model().USERNAME_FIELD
    if username_field not in credentials and "username" not in credentials:
        # A login that names no user (NemLog-in's assertion) logs its own
        # refusal, with the user it found; its credentials are not for a log.
        return
    attempted = credentials.get(username_field) or credentials.get("username") or ""
    log_access(
        user=None,
        action=AccessAction.LOGIN_FAILED,
        purpose=Purpose.SECURITY,
        username=str(attempted),
        request=request,
    )
