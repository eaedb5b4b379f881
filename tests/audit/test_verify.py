"""Finding history that was changed behind the application's back (R-27)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fasttrack.audit.chain import event_hash
from fasttrack.audit.models import CaseEvent
from fasttrack.audit.verbs import EventVerb
from fasttrack.audit.verify import Problem, verify_history
from fasttrack.cases.models import FastTrackCase
from tests.audit.conftest import AHMED_CPR, MakeCase, Record, Tamper

pytestmark = pytest.mark.django_db


def history_of_three(make_case: MakeCase, record: Record, **case: str) -> list[CaseEvent]:
    subject = make_case(**case)
    return [
        record(subject, EventVerb.ANSWERS_GIVEN, new={"party": "employee"}),
        record(
            subject, EventVerb.ACCEPTED, old={"state": "awaiting_consent"}, new={"state": "active"}
        ),
        record(subject, EventVerb.NOTE_ADDED, note="Ringede til Janni."),
    ]


def run_verify(*args: str) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_it_verifies_the_history_the_case_engine_writes(
    make_case: MakeCase, record: Record
) -> None:
    history_of_three(make_case, record)
    history_of_three(make_case, record, cpr=AHMED_CPR)
    events = CaseEvent.objects.count()

    report = verify_history()
    assert report.ok
    assert (report.events, report.cases) == (events, 2)

    out, error = run_verify()
    assert error is None
    assert f"OK: {events} events in 2 cases verified" in out


def test_it_verifies_the_first_event_too(make_case: MakeCase, tamper: Tamper) -> None:
    case = make_case()
    tamper(
        "UPDATE audit_caseevent SET actor_id = NULL WHERE case_id = %s AND sequence = 1", [case.pk]
    )

    [broken] = verify_history().broken
    assert (broken.sequence, broken.problem) == (1, Problem.HASH_MISMATCH)


def test_it_verifies_an_empty_history(db: None) -> None:
    out, error = run_verify()
    assert error is None
    assert "OK: 0 events in 0 cases verified" in out


@pytest.mark.parametrize(
    ("column", "value"),
    [("note", "Rettet bagefter."), ("new", json.dumps({"state": "closed"}))],
)
def test_it_finds_an_event_changed_in_the_database(
    make_case: MakeCase, record: Record, tamper: Tamper, column: str, value: str
) -> None:
    events = history_of_three(make_case, record)
    changed = events[1]
    tamper(f"UPDATE audit_caseevent SET {column} = %s WHERE id = %s", [value, changed.pk])  # noqa: S608

    report = verify_history()
    assert not report.ok
    [broken] = report.broken
    assert (broken.case_id, broken.sequence, broken.event_id) == (
        changed.case_id,
        changed.sequence,
        changed.pk,
    )
    assert broken.problem == Problem.HASH_MISMATCH

    out, error = run_verify()
    assert error is not None
    assert error.returncode == 1
    assert (
        f"case {changed.case_id}, sequence {changed.sequence} (event {changed.pk}): hash mismatch"
        in out
    )


def test_it_names_the_broken_case_among_whole_ones(
    make_case: MakeCase, record: Record, tamper: Tamper
) -> None:
    whole = history_of_three(make_case, record)
    broken = history_of_three(make_case, record, cpr=AHMED_CPR)
    tamper("UPDATE audit_caseevent SET note = %s WHERE id = %s", ["x", broken[2].pk])

    report = verify_history()
    assert [link.case_id for link in report.broken] == [broken[2].case_id]
    assert verify_history(case_ids=[whole[0].case_id]).ok

    out, error = run_verify("--case", str(whole[0].case_id))
    assert error is None
    events = CaseEvent.objects.filter(case_id=whole[0].case_id).count()
    assert f"OK: {events} events in 1 cases verified" in out


def test_it_finds_a_deleted_event(make_case: MakeCase, record: Record, tamper: Tamper) -> None:
    events = history_of_three(make_case, record)
    tamper("DELETE FROM audit_caseevent WHERE id = %s", [events[1].pk])

    [broken] = verify_history().broken
    assert broken.problem == Problem.MISSING_SEQUENCE
    assert (broken.sequence, broken.event_id) == (events[2].sequence, events[2].pk)

    out, error = run_verify()
    assert error is not None
    where = f"case {events[0].case_id}, sequence {events[2].sequence} (event {events[2].pk})"
    assert f"{where}: missing sequence" in out


def test_it_finds_an_event_rewritten_with_a_fresh_hash(
    make_case: MakeCase, record: Record, tamper: Tamper
) -> None:
    # Someone who knows the hashing rewrites event 2 consistently: its own
    # hash is then right, but event 3 still points at the old one.
    events = history_of_three(make_case, record)
    rewritten = CaseEvent.objects.get(pk=events[1].pk)
    rewritten.note = "Rettet bagefter."
    new_hash = event_hash(rewritten.chain_fields())
    tamper(
        "UPDATE audit_caseevent SET note = %s, hash = %s WHERE id = %s",
        [rewritten.note, new_hash, rewritten.pk],
    )

    [broken] = verify_history().broken
    assert (broken.sequence, broken.problem) == (events[2].sequence, Problem.BROKEN_LINK)


def test_it_finds_events_cut_off_the_end_through_the_case_head(
    make_case: MakeCase, record: Record, tamper: Tamper
) -> None:
    if not hasattr(FastTrackCase, "history_head"):
        pytest.skip("the case model keeps no history head")
    events = history_of_three(make_case, record)
    tamper("DELETE FROM audit_caseevent WHERE id = %s", [events[2].pk])

    [broken] = verify_history().broken
    assert broken.problem == Problem.HEAD_MISMATCH
    assert broken.case_id == events[0].case_id


def test_it_reads_many_events_in_chunks(make_case: MakeCase, record: Record) -> None:
    case = make_case()
    for _ in range(30):
        record(case)

    report = verify_history()
    assert report.ok
    assert report.events == case.events.count() >= 30


def test_it_takes_a_head_behind_the_chain_for_an_event_appended_while_verifying(
    make_case: MakeCase, record: Record
) -> None:
    if not hasattr(FastTrackCase, "history_head"):
        pytest.skip("the case model keeps no history head")
    events = history_of_three(make_case, record)
    # As if verification read the head just before the last event was recorded.
    FastTrackCase.objects.filter(pk=events[0].case_id).update(history_head=events[1].hash)

    assert verify_history().ok
