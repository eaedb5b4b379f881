"""``fasttrack demo_otp USERNAME``: the current code of a demo user's authenticator.

Only for devices with the demo key, which is public anyway (README): it can
never print a code for a real user's app. Refuses when DEBUG is off unless
``--force``, like ``seed_demo``.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fasttrack.login.demo import has_demo_key


def current_demo_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo user (demo key only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (demo installations)."
        )

    def handle(self, *args: Any, username: str, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                _("demo_otp is for the demo and refuses to run when DEBUG is off; use --force.")
            )
        user = get_user_model().objects.filter(username=username).first()
        device = (
            TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if user is not None
            else None
        )
        if device is None or not has_demo_key(device):
            raise CommandError(
                _("%(username)s has no authenticator with the demo key.") % {"username": username}
            )
        self.stdout.write(current_demo_code(device))
