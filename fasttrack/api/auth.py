"""Bearer-token authentication for the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from fasttrack.api.models import ApiToken
from fasttrack.api.tokens import find_active_token, record_use
from fasttrack.people.models import membership_of


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer ft_…``; sets ``request.auth`` (the ApiToken) and
    ``request.user``.

    A missing, malformed, unknown or revoked token, an inactive user, a user
    blocked after failed logins (``find_active_token``) and a user without a
    role (a bare admin account) all answer 401 alike: the contract
    knows exactly six roles, and a token that cannot act as one of them is no
    valid credential for this API.
    """

    def __call__(self, request: HttpRequest) -> Any:
        # ninja's HttpBearer logs a malformed header in DEBUG, which could put a
        # token in a log file; parse it here without logging.
        scheme, _, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = find_active_token(token)
        if api_token is None or membership_of(api_token.user) is None:
            return None
        record_use(api_token)
        # The rest of the project (access checks, audit log) works with users.
        request.user = api_token.user
        return api_token


def token_of(request: HttpRequest) -> ApiToken:
    """The token that authenticated ``request`` (only inside authenticated operations)."""
    token = getattr(request, "auth", None)
    assert isinstance(token, ApiToken)
    return token
