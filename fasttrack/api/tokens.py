"""Issuing, finding and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from fasttrack.api.models import ApiToken
from fasttrack.login.lockout import is_blocked, with_login_failures

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TOKEN_SCHEME = "ft"  # noqa: S105 - the public marker of our tokens, not a secret
PREFIX_LENGTH = 8
# 32 random bytes: 256 bits of entropy, 43 URL-safe characters.
SECRET_BYTES = 32
# ft_ + 8 + _ + 43; anything far off is rejected before touching the database.
TOKEN_LENGTH = len(TOKEN_SCHEME) + 1 + PREFIX_LENGTH + 1 + 43
# last_used_at is for people ("is this token still in use?"), not for billing:
# writing it at most once a minute spares a write on nearly every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    # token_urlsafe(6) gives exactly 8 characters; the prefix may contain "-"
    # and "_", so tokens are split by position, never by "_".
    prefix = secrets.token_urlsafe(6)
    raw = f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return prefix, raw


def issue_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; the clear token is returned once and never stored."""
    for _attempt in range(5):
        prefix, raw = _new_token()
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user, name=name, prefix=prefix, key_hash=hash_token(raw)
                )
        except IntegrityError:
            # 48 random bits make a prefix collision very rare, but not impossible.
            continue
        return token, raw
    raise RuntimeError("Could not find a free API token prefix.")


def looks_like_token(raw: str) -> bool:
    return (
        len(raw) == TOKEN_LENGTH
        and raw.startswith(f"{TOKEN_SCHEME}_")
        and raw[3 + PREFIX_LENGTH] == "_"
    )


def find_active_token(raw: str) -> ApiToken | None:
    """The active token of an active user with a role, with the user and the
    membership's organisation loaded in the same query; else None.

    A user whose account is blocked after failed logins (RULES.md R-25) has
    no active token while the block lasts: the token is a way in like the
    login page. The failures are counted in the same query.
    """
    if not looks_like_token(raw):
        return None
    now = timezone.now()
    # Comparing hashes in the database is not a timing oracle: an attacker
    # cannot choose the hash of a guess, so learning how much of a stored hash
    # a guess matches tells them nothing about the next guess.
    tokens = (
        ApiToken.objects.active()
        .select_related(
            "user__membership__employer",
            "user__membership__municipality",
            "user__membership__clinic",
            "user__membership__person",
        )
        .filter(key_hash=hash_token(raw), user__is_active=True)
    )
    token = with_login_failures(tokens, "user__username", now=now).first()
    if token is None or is_blocked(token, token.user.get_username(), now=now):
        return None
    return token


def record_use(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    # The condition in the UPDATE keeps concurrent requests from all writing.
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def revoke_token(token: ApiToken) -> None:
    """Revoke ``token``; revoking a revoked token keeps the first time."""
    if token.revoked_at is None:
        now = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
        token.revoked_at = now
