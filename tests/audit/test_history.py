"""Recording the case history and keeping it append-only (R-27)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from fasttrack.audit.chain import GENESIS_HASH, event_hash
from fasttrack.audit.history import HistoryOutsideTransaction, record_event
from fasttrack.audit.models import CaseEvent, HistoryIsAppendOnly
from fasttrack.audit.verbs import EventVerb
from fasttrack.cases.models import FastTrackCase
from tests.audit.conftest import AHMED_CPR, MakeCase, Record, on_postgresql
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def test_it_numbers_and_links_the_events_of_a_case(make_case: MakeCase, record: Record) -> None:
    case = make_case()
    requested = case.events.get(sequence=1)
    assert requested.verb == EventVerb.REQUESTED
    assert requested.prev_hash == GENESIS_HASH
    already = case.events.count()

    first = record(case, EventVerb.ACCEPTED)
    second = record(case, EventVerb.NOTE_ADDED, note="Ringede til Janni.")

    assert [first.sequence, second.sequence] == [already + 1, already + 2]
    assert first.prev_hash == case.events.get(sequence=already).hash
    assert second.prev_hash == first.hash
    stored = CaseEvent.objects.get(pk=second.pk)
    assert event_hash(stored.chain_fields()) == stored.hash == second.hash


def test_it_keeps_one_chain_per_case(make_case: MakeCase, record: Record) -> None:
    janni = make_case()
    ahmed = make_case(cpr=AHMED_CPR)
    record(janni)
    record(janni)

    assert ahmed.events.get(sequence=1).prev_hash == GENESIS_HASH
    assert record(ahmed).sequence == ahmed.events.count()


def test_it_records_the_actor_with_role_and_organisation_as_they_were(
    make_case: MakeCase, record: Record, personas: Personas
) -> None:
    event = record(make_case(), EventVerb.CERTIFICATE_REQUESTED, actor=personas.sagsbehandler)

    assert event.actor == personas.sagsbehandler
    assert event.actor_role == "caseworker"
    assert event.actor_organisation == "Jobcenter København"


def test_it_records_the_system_without_actor(make_case: MakeCase, record: Record) -> None:
    event = record(make_case(), EventVerb.DEADLINE_MISSED, actor=None)

    assert event.actor is None
    assert (event.actor_role, event.actor_organisation) == ("", "")


def test_it_stores_values_as_json_that_hash_the_same_after_the_round_trip(
    make_case: MakeCase, record: Record
) -> None:
    event = record(
        make_case(),
        EventVerb.PLAN_RECORDED,
        old={"hours": None},
        new={"hours": Decimal("18.5"), "evaluate_on": date(2026, 4, 1), "weeks": 4.0},
        visible_to_employer=False,
        at=datetime(2026, 3, 2, 8, 0, 0, 1, tzinfo=UTC),
    )
    stored = CaseEvent.objects.get(pk=event.pk)

    assert stored.new == {"hours": "18.5", "evaluate_on": "2026-04-01", "weeks": 4.0}
    assert stored.at == datetime(2026, 3, 2, 8, 0, 0, 1, tzinfo=UTC)
    assert stored.visible_to_employer is False
    assert event_hash(stored.chain_fields()) == stored.hash


def test_it_refuses_an_unknown_verb(make_case: MakeCase, record: Record) -> None:
    with pytest.raises(ValueError, match="not_a_verb"):
        record(make_case(), "not_a_verb")


def test_it_keeps_the_case_history_head_when_the_case_has_one(
    make_case: MakeCase, record: Record
) -> None:
    if not hasattr(FastTrackCase, "history_head"):
        pytest.skip("the case model keeps no history head")
    case = make_case()
    record(case)
    last = record(case)

    assert FastTrackCase.objects.get(pk=case.pk).history_head == last.hash


def test_it_lets_only_the_caseworkers_events_be_hidden_from_the_employer(
    make_case: MakeCase, record: Record
) -> None:
    case = make_case()
    record(case, EventVerb.ACCEPTED)
    record(case, EventVerb.CERTIFICATE_RECEIVED, visible_to_employer=False)

    verbs = set(case.events.visible_to_employer_side().values_list("verb", flat=True))
    assert "accepted" in verbs
    assert "certificate_received" not in verbs
    assert case.events.filter(verb="certificate_received").exists()


class TestAppendOnly:
    def test_it_refuses_to_save_a_stored_event(self, make_case: MakeCase, record: Record) -> None:
        event = record(make_case())
        event.note = "Changed afterwards"
        with pytest.raises(HistoryIsAppendOnly, match="append-only"):
            event.save()

    def test_it_refuses_to_delete_an_event(self, make_case: MakeCase, record: Record) -> None:
        event = record(make_case())
        with pytest.raises(HistoryIsAppendOnly):
            event.delete()

    def test_it_refuses_query_set_updates_and_deletes(
        self, make_case: MakeCase, record: Record
    ) -> None:
        make_case()
        with pytest.raises(HistoryIsAppendOnly):
            CaseEvent.objects.all().update(note="rewritten")
        with pytest.raises(HistoryIsAppendOnly):
            CaseEvent.objects.filter(sequence=1).delete()
        with pytest.raises(HistoryIsAppendOnly):
            CaseEvent.objects.bulk_update(list(CaseEvent.objects.all()), ["note"])

    def test_it_refuses_to_delete_a_case_with_history(
        self, make_case: MakeCase, record: Record
    ) -> None:
        case = make_case()
        with pytest.raises(ProtectedError):
            case.delete()

    @pytest.mark.postgres
    def test_it_makes_postgresql_refuse_raw_updates_and_deletes(
        self, make_case: MakeCase, record: Record
    ) -> None:
        if not on_postgresql():
            pytest.skip("the append-only trigger exists on PostgreSQL only")
        event = record(make_case())
        for sql in (
            "UPDATE audit_caseevent SET note = 'rewritten' WHERE id = %s",
            "DELETE FROM audit_caseevent WHERE id = %s",
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [event.pk])
        assert CaseEvent.objects.get(pk=event.pk).note == ""


@pytest.mark.django_db(transaction=True)
def test_it_must_be_called_inside_a_transaction(make_case: MakeCase) -> None:
    case = make_case()
    with pytest.raises(HistoryOutsideTransaction, match=r"transaction\.atomic"):
        record_event(case=case, verb=EventVerb.NOTE_ADDED, actor=None)
