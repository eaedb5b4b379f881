"""Cases to hang history on, and a way to change history behind the application's back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from fasttrack.audit.history import record_event
from fasttrack.audit.models import CaseEvent
from fasttrack.audit.verbs import EventVerb
from fasttrack.cases import actions
from fasttrack.cases.models import FastTrackCase
from fasttrack.people.demo import DemoWorld

JANNI_CPR = "1203814562"
AHMED_CPR = "0507762213"
NORDISK_FABRIK = "29887659"
TRIGGER = "audit_caseevent_append_only"

MakeCase = Callable[..., FastTrackCase]
Record = Callable[..., CaseEvent]
Tamper = Callable[[str, Sequence[Any]], None]


@pytest.fixture
def make_case(demo_world: DemoWorld, personas: Any) -> MakeCase:
    """A case requested by HR at Nordisk Fabrik through the case engine's own action."""

    def _make_case(*, cpr: str = JANNI_CPR) -> FastTrackCase:
        today = timezone.localdate()
        case, created = actions.request_fast_track(
            actor=personas.hr,
            person=demo_world.persons[cpr],
            employer=demo_world.employers[NORDISK_FABRIK],
            first_absence_day=today - timedelta(days=3),
            expects_over_8_weeks=True,
            answers=None,
            requested_by="employer",
            channel="web",
            today=today,
        )
        assert created
        return case

    return _make_case


@pytest.fixture
def record() -> Record:
    """``record_event`` the way actions call it: atomic, with the case row locked."""

    def _record(case: FastTrackCase, verb: str = EventVerb.NOTE_ADDED, **kwargs: Any) -> Any:
        kwargs.setdefault("actor", None)
        with transaction.atomic():
            locked = FastTrackCase.objects.select_for_update().get(pk=case.pk)
            event = record_event(case=locked, verb=verb, **kwargs)
        case.refresh_from_db()
        return event

    return _record


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def tamper() -> Tamper:
    """Run raw SQL on the history as someone with full database access could.

    On PostgreSQL that someone first disables the append-only trigger, as the
    table's owner or a superuser can; the test's transaction undoes it all.
    """

    def _tamper(sql: str, params: Sequence[Any]) -> None:
        with connection.cursor() as cursor:
            if on_postgresql():
                # ALTER TABLE refuses while deferred foreign key checks of the
                # test's inserts are pending, so run those checks first.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE audit_caseevent DISABLE TRIGGER {TRIGGER}")
            cursor.execute(sql, params)
            if on_postgresql():
                cursor.execute(f"ALTER TABLE audit_caseevent ENABLE TRIGGER {TRIGGER}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    return _tamper
