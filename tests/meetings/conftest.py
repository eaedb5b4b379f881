"""A Fast track case with its meetings, built through the actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from fasttrack.cases import actions
from fasttrack.cases.models import FastTrackCase
from fasttrack.meetings.models import Meeting
from tests.cases.conftest import (  # noqa: F401 (fixtures)
    EMPLOYEE_ANSWERS,
    at,
    employer_request,
    travel,
)

D0 = date(2026, 3, 2)
REQUESTED = date(2026, 3, 6)
# Before the change to summer time on Sunday 29 March 2026 ...
WINTER = date(2026, 3, 20)
# ... and after it.
SUMMER = date(2026, 3, 31)


@pytest.fixture
def case(request: pytest.FixtureRequest, personas: Any) -> FastTrackCase:
    """Janni's active case at Nordisk Fabrik, with leder as nearest manager."""
    # Looked up by name: the fixture is shared from the case engine's tests.
    request_fast_track = request.getfixturevalue("employer_request")
    made = request_fast_track(first_absence_day=D0, today=REQUESTED, nearest_manager=personas.leder)
    actions.accept(case=made, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.assign_caseworker(case=made, actor=personas.sagsbehandler)
    made.refresh_from_db()
    return made


@pytest.fixture
def doctor_asked(case: FastTrackCase, personas: Any) -> FastTrackCase:
    """The caseworker has asked Janni's doctor for a certificate: only from then on
    may the doctor see the case, and so be invited to a meeting (R-28)."""
    actions.request_certificate(case=case, actor=personas.sagsbehandler)
    case.refresh_from_db()
    return case


@pytest.fixture
def on_day(request: pytest.FixtureRequest) -> None:
    """Ten days before the meetings in ``WINTER``: a time to book them from."""
    request.getfixturevalue("travel")(date(2026, 3, 10))


@pytest.fixture
def with_doctor(
    book: Callable[..., Meeting], on_day: None, doctor_asked: FastTrackCase, personas: Any
) -> Meeting:
    """A retention meeting with Janni's doctor, asked for a certificate and consented to."""
    return book(
        participants=[
            {
                "user": personas.laege,
                "role": "doctor",
                "party": "doctor",
                "employee_consented": True,
            }
        ]
    )


@pytest.fixture
def book(case: FastTrackCase, personas: Any) -> Callable[..., Meeting]:
    """Book a meeting on the case; the required parties come from the case."""

    def _book(
        kind: str = "retention_meeting", *, day: date = WINTER, hour: int = 13, **extra: Any
    ) -> Meeting:
        return actions.book_meeting(
            case=case,
            actor=personas.sagsbehandler,
            kind=kind,
            starts_at=at(day, hour),
            location=extra.pop("location", "Nordisk Fabrik A/S, Industrivej 12"),
            **extra,
        )

    return _book


@pytest.fixture
def rebook(case: FastTrackCase, personas: Any) -> Callable[..., Meeting]:
    """The caseworker rebooks: ``rebook(meeting, starts_at=..., reason=...)``."""

    def _rebook(meeting: Meeting, **changes: Any) -> Meeting:
        return actions.rebook_meeting(
            case=case, actor=personas.sagsbehandler, meeting=meeting, **changes
        )

    return _rebook
