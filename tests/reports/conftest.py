from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from fasttrack.people.demo import DemoWorld
from fasttrack.people.models import Membership, Role
from tests.reports.dataset import MEASURED_ON, Dataset, at, build
from tests.web.case.conftest import demo_cases, frozen

__all__ = ["administrator", "dataset", "demo_cases", "frozen"]


@pytest.fixture
def dataset(demo_world: DemoWorld, time_machine: Any) -> Dataset:
    """The cases of tests/reports/dataset.py, with the clock on the day they are measured."""
    built = build(demo_world, time_machine)
    time_machine.move_to(at(MEASURED_ON), tick=False)
    return built


@pytest.fixture
def administrator(db: None) -> User:
    """The administrator across municipalities: no organisation."""
    user = User.objects.create_user("statistik", first_name="Sofie", last_name="Stat")
    Membership.objects.create(user=user, role=Role.ADMINISTRATOR)
    return user
