"""Shared fixtures: the demo world and the eight personas of DESIGN.md §5.6."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from fasttrack.people.demo import DEMO_PASSWORD, DemoWorld, build_demo_world


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
    users = {u.username: u for u in User.objects.select_related("membership")}
    return Personas(**{name.replace("-", "_"): user for name, user in users.items()})


@pytest.fixture
def demo_password() -> str:
    return DEMO_PASSWORD


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    """Log the test client in as a persona: ``login(personas.hr)``."""

    def _login(user: User) -> Client:
        client.force_login(user)
        return client

    return _login
