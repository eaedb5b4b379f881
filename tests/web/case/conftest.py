"""The demo cases on a frozen day, built through the actions like the demo."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from fasttrack.cases import actions
from fasttrack.cases.demo import EMPLOYER_ANSWERS, build_demo_cases
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

    janni: awaiting consent (Nordisk Fabrik, nearest manager leder): a new
    absence after her demo story, which is closed (``janni_story``);
    ahmed: certificate requested; mette: first conversation booked;
    lars: first conversation overdue; hanne: declined (normal track);
    peter, henrik and camilla (a plan in place): Frederiksberg;
    janni_story: Janni's closed demo story.
    """
    cases = {
        case.absence.person.name.split()[0].lower(): case
        for case in build_demo_cases(demo_world, today=frozen)
    }
    cases["janni_story"] = cases.pop("janni")
    # Janni's demo story is closed; the pages are tested on a new absence of
    # hers that awaits her consent, requested by HR two days ago.
    cases["janni"], _ = actions.request_fast_track(
        actor=User.objects.get(username="hr"),
        person=cases["janni_story"].absence.person,
        employer=demo_world.employers["29887659"],
        first_absence_day=frozen - timedelta(days=9),
        expects_over_8_weeks=True,
        answers=EMPLOYER_ANSWERS,
        requested_by="employer",
        channel="web",
        nearest_manager=User.objects.get(username="leder"),
        today=frozen - timedelta(days=2),
    )
    return cases
