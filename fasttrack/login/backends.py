"""The password backend: Django's, behind the lock-out (RULES.md R-25).

Every password login goes through ``django.contrib.auth.authenticate``, and so
through this backend, whichever page calls it: the login page, the
administration's login, or any later one. A blocked account is refused before
the password is checked, so a blocked attacker learns nothing from a guess.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from fasttrack.login.lockout import refuse_if_blocked


class PasswordBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username:
            # Raises LoginBlocked (a PermissionDenied): Django's authenticate()
            # stops there and reports the attempt as a failed login.
            refuse_if_blocked(username)
        return super().authenticate(request, username=username, password=password, **kwargs)
