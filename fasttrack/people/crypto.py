"""Encryption at rest and keyed look-up for CPR numbers (RULES.md R-29).

The ciphertext is useless for searching, so each CPR number also gets an
HMAC-SHA256 under a separate key: equal numbers give equal hashes, and the
hash reveals nothing without the key (a plain hash of 10 digits would be
brute-forced in seconds).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _cipher() -> MultiFernet:
    return _fernet(tuple(settings.CPR_ENCRYPTION_KEYS))


def encrypt_cpr(number: str) -> str:
    return _cipher().encrypt(number.encode()).decode()


def decrypt_cpr(token: str) -> str:
    return _cipher().decrypt(token.encode()).decode()


def cpr_lookup_hash(number: str) -> str:
    key = settings.CPR_HASH_KEY.encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()
