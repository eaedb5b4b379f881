"""The demo cases on a frozen day, built through the actions like the demo."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fasttrack.cases.demo import build_demo_cases
from fasttrack.cases.models import FastTrackCase
from fasttrack.people.demo import DemoWorld

# A Wednesday with no holiday near it, so banking days are plain weekdays.
TODAY = date(2026, 11, 18)
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=COPENHAGEN)


@pytest.fixture
def frozen(time_machine: Any) -> date:
    """The clock stopped at 10:00 Copenhagen time on TODAY."""
    time_machine.move_to(at(TODAY), tick=False)
    return TODAY


@pytest.fixture
def demo_cases(demo_world: DemoWorld, frozen: date) -> dict[str, FastTrackCase]:
    """The demo cases keyed by the employee's first name in lower case.

    janni: awaiting consent (Nordisk Fabrik, nearest manager leder);
    ahmed: certificate requested; mette: first conversation booked;
    lars: first conversation overdue; hanne: declined (normal track);
    peter and henrik: Frederiksberg.
    """
    cases = build_demo_cases(demo_world, today=frozen)
    return {case.absence.person.name.split()[0].lower(): case for case in cases}
