"""``fasttrack purge``: ended cases are erased after their retention, with a record (R-31)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from fasttrack.audit.access import Purpose, log_access
from fasttrack.audit.models import AccessLogEntry, CaseEvent, Erasure, ErasureKind
from fasttrack.audit.verify import verify_history
from fasttrack.cases import actions
from fasttrack.cases.models import Absence, FastTrackCase, Outcome
from fasttrack.cases.retention import erase_before
from fasttrack.medical.models import Certificate
from fasttrack.notifications.models import Message
from fasttrack.people.models import Person
from tests.cases.conftest import EMPLOYEE_ANSWERS, JANNI_CPR
from tests.notifications.conftest import run_due_tasks

AHMED_CPR = "0507762213"
HANNE_CPR = "0204751350"
Request = Callable[..., FastTrackCase]


def test_it_keeps_whole_years_after_the_year_a_case_ended() -> None:
    assert erase_before(date(2031, 1, 2), 5) == date(2026, 1, 1)
    assert erase_before(date(2031, 12, 31), 5) == date(2026, 1, 1)


@pytest.fixture
def world(
    employer_request: Request, personas: Any, travel: Callable[[date], None]
) -> dict[str, FastTrackCase]:
    """Closed in 2025, withdrawn in 2025, still open since 2025, closed in 2026."""
    closed = employer_request(first_absence_day=date(2025, 3, 3), today=date(2025, 3, 5))
    actions.accept(case=closed, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.request_certificate(case=closed, actor=personas.sagsbehandler)
    actions.record_certificate(
        case=closed,
        actor=personas.laege,
        diagnosis="Diskusprolaps",
        work_capacity="Fire timer om dagen",
        considerations="",
        expected_return="",
        remarks="",
    )
    actions.add_journal_note(case=closed, actor=personas.sagsbehandler, text="Talt med Janni.")
    run_due_tasks()
    travel(date(2025, 5, 1))
    actions.close(case=closed, actor=personas.sagsbehandler, outcome=Outcome.BACK_FULL_TIME)
    withdrawn = employer_request(
        first_absence_day=date(2025, 6, 2), today=date(2025, 6, 3), cpr=AHMED_CPR
    )
    actions.withdraw(case=withdrawn, actor=personas.hr, reason="Raskmeldt.")
    still_open = employer_request(
        first_absence_day=date(2025, 9, 1), today=date(2025, 9, 2), cpr=HANNE_CPR
    )
    recent = employer_request(first_absence_day=date(2026, 2, 2), today=date(2026, 2, 3))
    actions.accept(case=recent, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    travel(date(2026, 3, 2))
    actions.close(case=recent, actor=personas.sagsbehandler, outcome=Outcome.BACK_FULL_TIME)
    return {"closed": closed, "withdrawn": withdrawn, "open": still_open, "recent": recent}


def _purge(*args: str) -> str:
    out = StringIO()
    call_command("purge", *args, stdout=out)
    return out.getvalue()


def test_it_counts_without_erasing_on_a_dry_run(
    world: dict[str, FastTrackCase], travel: Callable[[date], None]
) -> None:
    travel(date(2031, 1, 2))

    output = _purge("--dry-run", "--only", "closed_case")

    assert "Would erase 2 closed_case row(s) older than 2026-01-01" in output
    assert FastTrackCase.objects.count() == 4
    assert not Erasure.objects.exists()


def test_it_erases_cases_past_retention_and_all_that_hangs_on_them(
    world: dict[str, FastTrackCase], travel: Callable[[date], None], personas: Any
) -> None:
    closed, withdrawn = world["closed"], world["withdrawn"]
    absences = [closed.absence_id, withdrawn.absence_id]
    assert Message.objects.filter(case_id=closed.pk).exists()
    travel(date(2031, 1, 2))

    output = _purge("--only", "closed_case")

    assert "Erased 2 closed_case row(s)" in output
    assert set(FastTrackCase.objects.values_list("pk", flat=True)) == {
        world["open"].pk,
        world["recent"].pk,
    }
    assert not CaseEvent.objects.filter(case_id__in=[closed.pk, withdrawn.pk]).exists()
    assert not Message.objects.filter(case_id__in=[closed.pk, withdrawn.pk]).exists()
    assert not Absence.objects.filter(pk__in=absences).exists()
    assert not Certificate.objects.exists()
    # The persons stay; so does the access log about them, by its own period.
    assert Person.objects.with_cpr(JANNI_CPR).exists()
    # Every chain that remains is whole.
    report = verify_history()
    assert report.ok, report.broken
    assert report.cases == 2
    # What was erased is recorded as a kind and a count, nothing more.
    erasure = Erasure.objects.get()
    assert (erasure.kind, erasure.count) == (ErasureKind.CLOSED_CASE, 2)
    assert erasure.older_than.date() == date(2026, 1, 1)


def test_it_erases_nothing_twice_and_records_only_erasures(
    world: dict[str, FastTrackCase], travel: Callable[[date], None]
) -> None:
    travel(date(2031, 1, 2))
    _purge("--only", "closed_case")

    assert "Erased 0 closed_case row(s)" in _purge("--only", "closed_case")
    assert Erasure.objects.count() == 1


def test_it_keeps_a_case_until_its_years_are_out(
    world: dict[str, FastTrackCase], travel: Callable[[date], None]
) -> None:
    travel(date(2030, 12, 31))

    assert "Erased 0 closed_case row(s)" in _purge("--only", "closed_case")
    assert FastTrackCase.objects.count() == 4


def test_it_purges_every_kind_by_default(
    world: dict[str, FastTrackCase],
    travel: Callable[[date], None],
    settings: Any,
    personas: Any,
) -> None:
    settings.CLOSED_CASE_RETENTION_YEARS = 1
    log_access(user=personas.sagsbehandler, action="read", purpose=Purpose.CASE_WORK)
    travel(date(2031, 1, 2))

    output = _purge()

    assert "Erased 3 closed_case row(s)" in output
    # The entry of the access log is years old by now.
    assert "Erased 1 access_log_entry row(s)" in output
    assert "idempotency_record" in output
    assert not AccessLogEntry.objects.exists()
    assert set(Erasure.objects.values_list("kind", flat=True)) >= {
        ErasureKind.CLOSED_CASE,
        ErasureKind.ACCESS_LOG,
    }
