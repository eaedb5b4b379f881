"""The hash chain of a case's history, in plain Python (no Django).

Each event's hash covers its own fields and the hash of the event before it,
so changing, removing or reordering a stored event breaks the chain where it
happened (RULES.md R-27). Recording (``history``) and checking (``verify``)
both hash through ``event_hash`` so that the two can never disagree about the
canonical form.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class EventFields:
    """Exactly the fields of a ``CaseEvent`` that its hash covers."""

    case_id: int
    sequence: int
    verb: str
    actor_id: int | None
    actor_role: str
    actor_organisation: str
    at: datetime
    old: Mapping[str, Any]
    new: Mapping[str, Any]
    note: str
    visible_to_employer: bool
    prev_hash: str
    note_shared_with_employer: bool = False


def format_timestamp(at: datetime) -> str:
    """ISO 8601 in UTC, always with microseconds, so that equal instants hash equally.

    A naive value is taken to be UTC already: the database gives naive values
    back only when ``USE_TZ`` is off, and then it gives back what was stored.
    """
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical_value(value: Any) -> Any:
    # PostgreSQL's jsonb prints 1e20 as 100000000000000000000 and so gives an
    # int back for what was stored as a float; an integral float is therefore
    # hashed as the int it equals, on every database.
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("History values must be finite numbers.")
        return int(value) if value.is_integer() else value
    if isinstance(value, Mapping):
        return {str(key): _canonical_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical_value(item) for item in value]
    return value


def canonical_json(fields: EventFields) -> bytes:
    """The one byte string an event's hash is computed from."""
    payload = {
        "case_id": fields.case_id,
        "sequence": fields.sequence,
        "verb": str(fields.verb),
        "actor_id": fields.actor_id,
        "actor_role": str(fields.actor_role),
        "actor_organisation": fields.actor_organisation,
        "at": format_timestamp(fields.at),
        "old": _canonical_value(fields.old),
        "new": _canonical_value(fields.new),
        "note": fields.note,
        "visible_to_employer": bool(fields.visible_to_employer),
        "prev_hash": fields.prev_hash,
    }
    # Covered only when set, so that the events recorded before the field
    # existed (all of them unshared) keep the hash they were stored with.
    if fields.note_shared_with_employer:
        payload["note_shared_with_employer"] = True
    text = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def event_hash(fields: EventFields) -> str:
    """SHA-256 of the canonical JSON, as 64 lower-case hex digits."""
    return hashlib.sha256(canonical_json(fields)).hexdigest()
