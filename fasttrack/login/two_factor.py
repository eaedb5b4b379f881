"""The second factor: a TOTP authenticator app, with recovery codes.

Built on django-otp's devices, so that ``request.user.is_verified()`` (its
middleware) says whether this session has given the second factor. Pages are
in ``fasttrack.web.two_factor_views``; this module holds the steps.
"""

from __future__ import annotations

import logging
import secrets
from base64 import b32encode
from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from fasttrack.login.models import RecoveryCode, RecoveryCodeDevice, hash_recovery_code

logger = logging.getLogger("fasttrack.login")

RECOVERY_CODE_COUNT = 10
# 16 base32 characters: 80 random bits, shown as four groups of four.
_RECOVERY_CODE_BYTES = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def _totp_devices(user: Any) -> Any:
    return TOTPDevice.objects.filter(user=user)


def has_second_factor(user: Any) -> bool:
    """Whether ``user`` has set up a second factor (an app or unused recovery codes)."""
    return (
        _totp_devices(user).filter(confirmed=True).exists()
        or RecoveryCode.objects.filter(device__user=user, device__confirmed=True).exists()
    )


def recovery_codes_left(user: Any) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


def pending_authenticator(user: Any) -> TOTPDevice:
    """The authenticator app being set up: a new key, or the one already shown.

    Reloading the set-up page shows the same key, so a code from an app that
    already scanned it still works.
    """
    device = _totp_devices(user).filter(confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def manual_key(device: TOTPDevice) -> str:
    """The key to type into an app that cannot scan, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def confirm_authenticator(user: Any, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app being set up with a code from it; return new recovery codes.

    On success the app replaces any earlier one, and the recovery codes are
    new (the old ones stop working). Returns None when the code is wrong.
    """
    if device.user_id != user.pk or device.confirmed:
        return None
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not locked.verify_token(normalise_code(code)):
            return None
        _totp_devices(user).exclude(pk=locked.pk).delete()
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        codes = issue_recovery_codes(user)
    device.refresh_from_db()
    logger.info("Second factor set up for user %s", user.pk)
    return codes


def issue_recovery_codes(user: Any) -> list[str]:
    """New recovery codes for ``user``, replacing the old; shown once, stored hashed."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        RecoveryCodeDevice.objects.filter(user=user).delete()
        device = RecoveryCodeDevice.objects.create(
            user=user, name=RECOVERY_DEVICE_NAME, confirmed=True
        )
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, code_hash=hash_recovery_code(code)) for code in codes
        )
    return codes


def _new_recovery_code() -> str:
    raw = b32encode(secrets.token_bytes(_RECOVERY_CODE_BYTES)).decode().lower()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise_code(code: str) -> str:
    return "".join(code.split())


def verify_second_factor(user: Any, code: str) -> Device | None:
    """The device that accepts ``code`` for ``user``, or None.

    Six digits are a code from the app; anything else is tried as a recovery
    code. Each device throttles repeated failures (django-otp).
    """
    code = normalise_code(code)
    if code.isdigit():
        devices: Any = _totp_devices(user).filter(confirmed=True)
    else:
        devices = RecoveryCodeDevice.objects.filter(user=user, confirmed=True)
    with transaction.atomic():
        for device in devices.select_for_update():
            if device.verify_token(code):
                return device
    return None


def second_factor_throttled(user: Any) -> bool:
    """Whether every device of ``user`` is waiting out a failure delay (django-otp)."""
    devices = [
        *_totp_devices(user).filter(confirmed=True),
        *RecoveryCodeDevice.objects.filter(user=user, confirmed=True),
    ]
    return bool(devices) and not any(device.verify_is_allowed()[0] for device in devices)


def report_failed_code(request: HttpRequest, user: Any) -> None:
    """A wrong code is a failed login: logged, and counted by the lock-out (R-25)."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username()},
        request=request,
    )


def complete_second_factor(request: HttpRequest, device: Device) -> None:
    """Mark this session as having given the second factor with ``device``."""
    # A new session key once the login is complete: a key someone learned
    # before the second factor is worth nothing after it.
    request.session.cycle_key()
    otp_login(request, device)


def reset_second_factor(user: Any) -> int:
    """Remove every second factor of ``user``; the next login sets up a new one."""
    with transaction.atomic():
        apps, _ = _totp_devices(user).delete()
        codes, _ = RecoveryCodeDevice.objects.filter(user=user).delete()
    logger.info("Second factor reset for user %s", user.pk)
    return int(apps + codes)
