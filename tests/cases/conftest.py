"""Building blocks for the case engine's tests: cases made through the actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fasttrack.cases import actions
from fasttrack.cases.models import CaseDeadline, FastTrackCase
from fasttrack.people.demo import DemoWorld

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
JANNI_CPR = "1203814562"
NORDISK_FABRIK = "29887659"
HAVNENS_LOGISTIK = "40112235"

EMPLOYER_ANSWERS = {
    "affected_functions": "Tunge løft ved pakkelinjen.",
    "affected_duration": "Tre uger.",
    "adjustments_tried": "Kortere vagter.",
}
EMPLOYEE_ANSWERS = {
    "affected_functions": "Jeg kan ikke løfte.",
    "affected_duration": "Siden starten af måneden.",
    "adjustments_tried": "Lidt kortere vagter.",
}


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=COPENHAGEN)


def statuses(case: FastTrackCase) -> dict[str, tuple[str, date | None]]:
    """Each deadline's status and due date, keyed by deadline key."""
    return {d.key: (d.status, d.due_on) for d in CaseDeadline.objects.filter(case=case)}


def deadline(case: FastTrackCase, key: str) -> CaseDeadline:
    return CaseDeadline.objects.get(case=case, key=key)


@pytest.fixture
def travel(time_machine: Any) -> Callable[[date], None]:
    """Freeze the clock at 10:00 Copenhagen time on ``day``."""

    def _travel(day: date) -> None:
        time_machine.move_to(at(day), tick=False)

    return _travel


@pytest.fixture
def employer_request(
    demo_world: DemoWorld, personas: Any, travel: Callable[[date], None]
) -> Callable[..., FastTrackCase]:
    """HR at Nordisk Fabrik requests Fast track for Janni on ``today``."""

    def _request(
        *, first_absence_day: date, today: date, cpr: str = JANNI_CPR, **extra: Any
    ) -> FastTrackCase:
        travel(today)
        case, created = actions.request_fast_track(
            actor=personas.hr,
            person=demo_world.persons[cpr],
            employer=demo_world.employers[NORDISK_FABRIK],
            first_absence_day=first_absence_day,
            expects_over_8_weeks=True,
            answers=EMPLOYER_ANSWERS,
            requested_by="employer",
            channel="web",
            **extra,
        )
        assert created
        return case

    return _request


@pytest.fixture
def employee_request(
    demo_world: DemoWorld, personas: Any, travel: Callable[[date], None]
) -> Callable[..., FastTrackCase]:
    """Janni requests Fast track herself on ``today`` (R-02, R-14)."""

    def _request(
        *, first_absence_day: date, today: date, with_employer: bool = True
    ) -> FastTrackCase:
        travel(today)
        case, created = actions.request_fast_track(
            actor=personas.janni,
            person=demo_world.persons[JANNI_CPR],
            employer=demo_world.employers[NORDISK_FABRIK] if with_employer else None,
            first_absence_day=first_absence_day,
            expects_over_8_weeks=True,
            answers=EMPLOYEE_ANSWERS,
            requested_by="employee",
            channel="web",
        )
        assert created
        return case

    return _request


# The documents around a case (§ 7 b, § 36 a) are tried on one course: absent from
# Monday 3 March 2025, requested a week later.
DOCUMENTS_D0 = date(2025, 3, 3)
DOCUMENTS_REQUESTED = date(2025, 3, 10)


@pytest.fixture
def documents_case(
    employer_request: Callable[..., FastTrackCase], personas: Any, travel: Callable[[date], None]
) -> FastTrackCase:
    """Janni's case accepted, with her nearest manager and an assigned caseworker."""
    case = employer_request(
        first_absence_day=DOCUMENTS_D0, today=DOCUMENTS_REQUESTED, nearest_manager=personas.leder
    )
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.assign_caseworker(case=case, actor=personas.sagsbehandler)
    case.refresh_from_db()
    return case
