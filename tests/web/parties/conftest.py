"""Janni's case as the parties' pages see it, built through the actions."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fasttrack.cases import actions
from fasttrack.cases.models import FastTrackCase
from fasttrack.medical.models import CertificateRequest
from fasttrack.people.demo import DemoWorld
from tests.conftest import Personas

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
JANNI_CPR = "1203814562"
NORDISK_FABRIK = "29887659"
# A Monday; HR asks eight days later, on Tuesday 24 November, so Janni's
# answer is due two banking days later, on Thursday 26 November.
D0 = date(2026, 11, 16)
REQUESTED = date(2026, 11, 24)

EMPLOYER_ANSWERS = {
    "affected_functions": "Tunge løft ved pakkelinjen.",
    "affected_duration": "Cirka tre uger.",
    "adjustments_tried": "Vi har prøvet kortere vagter.",
}
EMPLOYEE_ANSWERS = {
    "affected_functions": "Jeg kan ikke løfte mere end fem kilo.",
    "affected_duration": "Siden slutningen af oktober.",
    "adjustments_tried": "Jeg kunne godt lave lettere opgaver ved kontrollen.",
}
CERTIFICATE: dict[str, Any] = {
    "diagnosis": "Diskusprolaps L4-L5 med udstråling til venstre ben",
    "work_capacity": "Kan arbejde siddende fire timer dagligt.",
    "considerations": "Ingen løft over fem kilo.",
    "expected_return": "Delvis tilbagevenden om tre uger.",
    "remarks": "Fysioterapi to gange ugentligt.",
}


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=COPENHAGEN)


@pytest.fixture
def travel(time_machine: Any) -> Callable[[date], None]:
    """Freeze the clock at 10:00 Copenhagen time on ``day``."""

    def _travel(day: date) -> None:
        time_machine.move_to(at(day), tick=False)

    return _travel


@pytest.fixture
def janni_case(
    demo_world: DemoWorld, personas: Personas, travel: Callable[[date], None]
) -> FastTrackCase:
    """HR asked for Fast track for Janni on 24 November; Janni has not answered."""
    travel(REQUESTED)
    case, _ = actions.request_fast_track(
        actor=personas.hr,
        person=demo_world.persons[JANNI_CPR],
        employer=demo_world.employers[NORDISK_FABRIK],
        first_absence_day=D0,
        expects_over_8_weeks=True,
        answers=EMPLOYER_ANSWERS,
        requested_by="employer",
        channel="web",
        nearest_manager=personas.leder,
    )
    return case


@pytest.fixture
def certificate_requested(
    janni_case: FastTrackCase, personas: Personas, travel: Callable[[date], None]
) -> CertificateRequest:
    """Janni said yes with her answers; the caseworker asked her doctor for LÆ 285."""
    travel(date(2026, 11, 25))
    actions.accept(case=janni_case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    return actions.request_certificate(case=janni_case, actor=personas.sagsbehandler)


def field_error(page: str, name: str) -> str:
    """The error text shown at the field ``name`` (DKFDS form-error-message)."""
    match = re.search(
        rf'id="id_{name}-error"><span class="sr-only">[^<]*</span>(.*?)</span>', page, re.S
    )
    assert match, f"no error shown at {name}"
    return html.unescape(match.group(1)).strip()


def field_value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None
