"""Shared fixtures: the demo world and the eight personas of DESIGN.md §5.6."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from fasttrack.login.demo import give_demo_second_factor
from fasttrack.login.policy import needs_second_factor
from fasttrack.people.demo import DEMO_PASSWORD, DEMO_USERS, DemoWorld, build_demo_world
from fasttrack.web.middleware import LOGIN_AT_SESSION_KEY, SEEN_AT_SESSION_KEY
from tests import hypothesis_profiles  # noqa: F401  (registers and loads the profile)

# The suite-wide check that no CPR number or diagnosis reaches a log line or an
# address (tests/log_capture.py): its hooks, picked up from this conftest.
from tests.log_capture import (  # noqa: F401
    pytest_runtest_makereport,
    pytest_runtest_setup,
    pytest_sessionstart,
)


def pytest_report_header(config: pytest.Config) -> str:
    # CI logs say whether the property-based tests ran derandomized.
    return f"hypothesis profile: {hypothesis.settings.get_current_profile_name()}"


def pytest_configure(config: pytest.Config) -> None:
    # Demo users are created in many tests; a fast hasher keeps that cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Personas:
    hr: User
    leder: User
    janni: User
    laege: User
    sagsbehandler: User
    jobcenterchef: User
    anden_hr: User
    anden_sagsbehandler: User

    def all(self) -> dict[str, User]:
        return {name.replace("_", "-"): user for name, user in vars(self).items()}


@pytest.fixture
def demo_world(db: None) -> DemoWorld:
    return build_demo_world()


@pytest.fixture
def personas(demo_world: DemoWorld) -> Personas:
    # Only the demo users: a test may have made others (an operator, a new caseworker).
    demo_usernames = [demo.username for demo in DEMO_USERS]
    users = {
        u.username: u
        for u in User.objects.select_related("membership").filter(username__in=demo_usernames)
    }
    return Personas(**{name.replace("-", "_"): user for name, user in users.items()})


@pytest.fixture
def demo_password() -> str:
    return DEMO_PASSWORD


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    """Log the test client in as a persona: ``login(personas.hr)``.

    A complete login: users who need a second factor (jobcentre staff, doctors,
    operators) are also marked as having given it, as after the code step.
    Tests of the login itself use ``client.force_login`` (no second factor) or
    ``log_in_with_password``.
    """

    def _login(user: User) -> Client:
        client.force_login(user)
        if needs_second_factor(user):
            give_second_factor(client, user)
        return client

    return _login


def authenticator_of(user: User) -> TOTPDevice:
    """The user's confirmed authenticator app; demo staff have one with the demo key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or give_demo_second_factor(user)


def give_second_factor(client: Client, user: User) -> None:
    """Mark the client's session as having given the second factor (django-otp)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_of(user).persistent_id
    # The staff session's clocks start now, as at the end of a real login.
    now = timezone.now().timestamp()
    session[LOGIN_AT_SESSION_KEY] = session[SEEN_AT_SESSION_KEY] = now
    session.save()


def totp_code(user: User) -> str:
    """A code the user's authenticator app would show now and that is still unused.

    The app being set up when there is one, else the confirmed app (demo staff
    have one with the demo key).

    django-otp accepts each time step once; a second login within the same
    30 seconds takes the next step's code, which its tolerance of one step
    allows.
    """
    # The app being set up, when the user is in the middle of setting one up.
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    device = pending or authenticator_of(user)
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now.time = time.time()
    step = max(now.t(), device.last_t + 1)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def log_in_with_password(client: Client, username: str, password: str = DEMO_PASSWORD) -> Any:
    """Log in through the login page, and give the code when the user needs one."""
    response = client.post("/log-ind/", {"username": username, "password": password})
    user = User.objects.get(username=username)
    if needs_second_factor(user) and "_auth_user_id" in client.session:
        response = client.post("/log-ind/kode/", {"code": totp_code(user)})
    return response
