"""Second factors for the demo: one documented TOTP key, and an operator.

Demo staff, doctors and the demo operator share one fixed key, so that one
entry in an authenticator app (or ``fasttrack demo_otp USERNAME``) gives the
code for all of them. Like the demo password, the key is public: the demo
world must never be loaded into an installation with real citizens' data.
"""

from __future__ import annotations

from base64 import b32decode
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from fasttrack.login.two_factor import TOTP_DEVICE_NAME

# 32 base32 characters: a 160-bit key, as authenticator apps expect.
DEMO_TOTP_KEY_BASE32 = "FASTTRACKDEMO234FASTTRACKDEMO234"
DEMO_TOTP_KEY_HEX = b32decode(DEMO_TOTP_KEY_BASE32).hex()
DEMO_OPERATOR = "drift"


def give_demo_second_factor(user: Any) -> TOTPDevice:
    """A confirmed authenticator with the demo key for ``user`` (idempotent)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, key=DEMO_TOTP_KEY_HEX, confirmed=True
        )
    return device


def has_demo_key(device: TOTPDevice) -> bool:
    return device.key == DEMO_TOTP_KEY_HEX


@transaction.atomic
def build_demo_operator(password: str) -> tuple[Any, bool]:
    """The demo's operator: a superuser for the administration, with the demo key."""
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_OPERATOR,
        defaults={
            "first_name": "Drift",
            "last_name": "Fasttrack",
            "email": "drift@fasttrack.example",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    give_demo_second_factor(user)
    return user, created
