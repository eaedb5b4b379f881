"""Demo cases for the case page tests, built through the actions like the demo."""

from __future__ import annotations

import pytest

from fasttrack.cases.demo import build_demo_cases
from fasttrack.cases.models import FastTrackCase
from fasttrack.people.demo import DemoWorld


@pytest.fixture
def demo_cases(demo_world: DemoWorld) -> dict[str, FastTrackCase]:
    """The demo cases keyed by the employee's first name in lower case."""
    cases = build_demo_cases(demo_world)
    return {case.absence.person.name.split()[0].lower(): case for case in cases}
