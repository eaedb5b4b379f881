from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from fasttrack.audit.access import failed_logins_since, last_failed_login_at


def login_blocked_until(username: str, *, now: datetime) -> datetime | None:
    """When a blocked account may try again, or None when it is not blocked (R-25).

    Enough failures within the window block the account until the lock-out
    period has passed since the latest failure. Attempts refused while
    blocked never reach authentication, so they do not extend the block.
    """
    window = timedelta(hours=settings.LOGIN_FAILURE_WINDOW_HOURS)
    if failed_logins_since(username, since=now - window) < settings.LOGIN_FAILURE_LIMIT:
        return None
    latest = last_failed_login_at(username)
    if latest is None:
        return None
    until = latest + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    return until if until > now else None


class LoginForm(AuthenticationForm):
    """Django's login form, with the lock-out of RULES.md R-25.

    Django's own messages ("Indtast venligst korrekt brugernavn og adgangskode")
    are already translated into Danish, so only the layout and the lock-out
    are ours.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "blocked": _(
            "Too many failed attempts: the account is blocked until %(time)s. "
            "Try again then, or ask your administrator for help."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username:
            until = login_blocked_until(username, now=timezone.now())
            if until is not None:
                raise forms.ValidationError(
                    self.error_messages["blocked"],
                    code="blocked",
                    params={"time": time_format(timezone.localtime(until), "H:i")},
                )
        return super().clean()
