"""The canonical form and hash of a history event, without a database."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from fasttrack.audit.chain import (
    GENESIS_HASH,
    EventFields,
    canonical_json,
    event_hash,
    format_timestamp,
)

AT = datetime(2026, 3, 2, 9, 30, 0, 123456, tzinfo=UTC)


def fields(**changes: object) -> EventFields:
    base = EventFields(
        case_id=7,
        sequence=3,
        verb="accepted",
        actor_id=12,
        actor_role="employee",
        actor_organisation="Janni Mikkelsen",
        at=AT,
        old={"state": "awaiting_consent"},
        new={"state": "active", "accepted_on": "2026-03-02"},
        note="Samtykke givet på borger.dk – æøå",
        visible_to_employer=True,
        prev_hash="a" * 64,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_it_hashes_the_same_fields_to_the_same_hash() -> None:
    assert event_hash(fields()) == event_hash(fields())
    assert len(event_hash(fields())) == 64
    assert set(event_hash(fields())) <= set("0123456789abcdef")


def test_it_is_independent_of_key_order_in_the_values() -> None:
    shuffled = fields(new={"accepted_on": "2026-03-02", "state": "active"})
    assert event_hash(shuffled) == event_hash(fields())


@pytest.mark.parametrize(
    "change",
    [
        {"case_id": 8},
        {"sequence": 4},
        {"verb": "declined"},
        {"actor_id": None},
        {"actor_id": 13},
        {"actor_role": "caseworker"},
        {"actor_organisation": "Jobcenter København"},
        {"at": AT + timedelta(microseconds=1)},
        {"old": {}},
        {"old": {"state": "active"}},
        {"new": {"state": "active", "accepted_on": "2026-03-03"}},
        {"note": "Samtykke givet på borger.dk – æøa"},
        {"visible_to_employer": False},
        {"prev_hash": GENESIS_HASH},
    ],
)
def test_it_changes_the_hash_when_any_field_changes(change: dict[str, object]) -> None:
    assert event_hash(fields(**change)) != event_hash(fields())


def test_it_writes_compact_sorted_utf8_json() -> None:
    text = canonical_json(fields()).decode("utf-8")
    assert "æøå" in text
    assert ": " not in text
    assert ", " not in text.replace("borger.dk – æøå", "")
    payload = json.loads(text)
    assert list(payload) == sorted(payload)
    assert payload["at"] == "2026-03-02T09:30:00.123456Z"


def test_it_writes_times_in_utc_with_microseconds() -> None:
    copenhagen_summer = timezone(timedelta(hours=2))
    same_instant = datetime(2026, 6, 1, 12, 0, tzinfo=copenhagen_summer)
    assert format_timestamp(same_instant) == "2026-06-01T10:00:00.000000Z"
    assert event_hash(fields(at=AT.astimezone(copenhagen_summer))) == event_hash(fields())


def test_it_hashes_an_integral_float_as_the_int_postgresql_gives_back() -> None:
    assert event_hash(fields(new={"hours": 1e20})) == event_hash(fields(new={"hours": 10**20}))
    assert event_hash(fields(new={"hours": 7.5})) != event_hash(fields(new={"hours": 7}))


def test_it_refuses_values_that_are_not_numbers() -> None:
    with pytest.raises(ValueError, match="finite"):
        event_hash(fields(new={"hours": float("nan")}))
