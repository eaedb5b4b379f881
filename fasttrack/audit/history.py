"""Recording the case history (RULES.md R-27, DESIGN.md §5.2 and §5.4).

Every action on a case calls ``record_event`` once per thing that happened,
in the same transaction as the change itself, so a change and its history
are committed together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from fasttrack.audit.chain import GENESIS_HASH, event_hash
from fasttrack.audit.models import CaseEvent
from fasttrack.audit.verbs import EventVerb
from fasttrack.bulk import update_rows
from fasttrack.people.models import membership_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from fasttrack.cases.models import FastTrackCase

# Optional: a case model with this field gets the hash of its latest event
# there, which lets verification notice that the last events were removed.
HISTORY_HEAD_FIELD = "history_head"


class HistoryOutsideTransaction(RuntimeError):
    pass


def json_safe(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """``values`` as plain JSON types: dates and times as ISO strings, decimals as text.

    The result is what is stored and what is hashed, so the hash is the same
    after the round trip through the database.
    """
    if not values:
        return {}
    result: dict[str, Any] = json.loads(json.dumps(dict(values), cls=DjangoJSONEncoder))
    return result


def record_event(
    *,
    case: FastTrackCase,
    verb: EventVerb | str,
    actor: AbstractBaseUser | None,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    note: str = "",
    visible_to_employer: bool = True,
    note_shared_with_employer: bool = False,
    at: datetime | None = None,
) -> CaseEvent:
    """Append one event to ``case``'s history and return it.

    Call it inside the caller's ``transaction.atomic()`` after locking the
    case row (``FastTrackCase.objects.select_for_update().get(pk=...)``): the
    lock makes "read the last event, write the next" safe against a
    concurrent action on the same case. Each case has its own chain, so
    actions on different cases never wait for each other. Without the lock a
    concurrent writer fails on the unique (case, sequence) constraint rather
    than forking the chain.

    ``actor`` is None for the system (the deadline sweep, for example).
    ``old`` and ``new`` hold the values before and after; they must not hold
    health data unless ``visible_to_employer`` is False, and never diagnoses
    (R-18: other parties read the history). ``note`` written by the jobcentre
    reaches the employer side only with ``note_shared_with_employer``, which the
    caseworker chooses (``fasttrack.audit.visibility``).
    """
    return record_events(
        [
            NewEvent(
                case=case,
                verb=verb,
                actor=actor,
                old=old,
                new=new,
                note=note,
                visible_to_employer=visible_to_employer,
                note_shared_with_employer=note_shared_with_employer,
                at=at,
            )
        ]
    )[0]


@dataclass(frozen=True)
class NewEvent:
    """The arguments of ``record_event``, for ``record_events``."""

    case: FastTrackCase
    verb: EventVerb | str
    actor: AbstractBaseUser | None
    old: Mapping[str, Any] | None = None
    new: Mapping[str, Any] | None = None
    note: str = ""
    visible_to_employer: bool = True
    note_shared_with_employer: bool = False
    at: datetime | None = None


def record_events(events: Sequence[NewEvent]) -> list[CaseEvent]:
    """``record_event`` for many events, of one case or many, in a fixed number of
    statements: one read of the chains' tails not yet known in this transaction,
    one insert, and one update of the cases' heads.

    The events of one case are chained in the order given. The same rules as
    ``record_event`` hold: inside ``transaction.atomic()``, every case locked.
    """
    if not transaction.get_connection().in_atomic_block:
        raise HistoryOutsideTransaction(
            "record_event must run inside transaction.atomic() with the case row locked."
        )
    if not events:
        return []
    cases = {event.case.pk: event.case for event in events}
    tails = _tails(list(cases.values()))
    created = []
    for item in events:
        case = item.case
        membership = membership_of(item.actor) if item.actor is not None else None
        last_sequence, prev_hash = tails[case.pk]
        event = CaseEvent(
            case_id=case.pk,
            sequence=last_sequence + 1,
            verb=EventVerb(item.verb).value,
            actor_id=item.actor.pk if item.actor is not None else None,
            actor_role=membership.role if membership else "",
            actor_organisation=membership.organisation_name if membership else "",
            at=item.at or timezone.now(),
            old=json_safe(item.old),
            new=json_safe(item.new),
            note=item.note,
            visible_to_employer=item.visible_to_employer,
            note_shared_with_employer=item.note_shared_with_employer,
            prev_hash=prev_hash,
        )
        event.hash = event_hash(event.chain_fields())
        tails[case.pk] = (event.sequence, event.hash)
        created.append(event)
    CaseEvent.objects.bulk_create(created)
    _move_heads(list(cases.values()), tails)
    for case in cases.values():
        _remember_tail(case, *tails[case.pk])
    return created


def start_history(case: FastTrackCase) -> None:
    """Tell ``record_event`` that ``case`` was created in this transaction: its
    first event needs no look-up of the one before."""
    _remember_tail(case, 0, GENESIS_HASH)


# The chain's last (sequence, hash), kept on the locked case object for the next
# event of the same action. It is trusted only in the same transaction and at
# the same savepoint depth it was written at: after a savepoint was rolled back
# (or anything else happened to the stack) the database is asked again. The
# unique (case, sequence) constraint stays the guard against a stale value.
_TAIL_ATTRIBUTE = "_history_tail"


def _transaction_marker() -> tuple[int, tuple[str | None, ...]]:
    connection = transaction.get_connection()
    return id(connection.atomic_blocks[0]), tuple(connection.savepoint_ids)


def _remember_tail(case: FastTrackCase, sequence: int, hash_: str) -> None:
    setattr(case, _TAIL_ATTRIBUTE, (_transaction_marker(), sequence, hash_))


def _tails(cases: Sequence[FastTrackCase]) -> dict[int, tuple[int, str]]:
    """Each case's last (sequence, hash): remembered in this transaction, else read,
    all the cases not remembered in one statement."""
    marker = _transaction_marker()
    tails: dict[int, tuple[int, str]] = {}
    unknown = []
    for case in cases:
        remembered = getattr(case, _TAIL_ATTRIBUTE, None)
        if remembered is not None and remembered[0] == marker:
            tails[case.pk] = (remembered[1], remembered[2])
        else:
            tails[case.pk] = (0, GENESIS_HASH)
            unknown.append(case.pk)
    if unknown:
        last = CaseEvent.objects.filter(case_id=OuterRef("case_id")).order_by("-sequence")
        for case_id, sequence, hash_ in CaseEvent.objects.filter(
            case_id__in=unknown, sequence=Subquery(last.values("sequence")[:1])
        ).values_list("case_id", "sequence", "hash"):
            tails[case_id] = (sequence, hash_)
    return tails


def _move_heads(cases: Sequence[FastTrackCase], tails: Mapping[int, tuple[int, str]]) -> None:
    if not cases or not _has_history_head(type(cases[0])):
        return
    for case in cases:
        setattr(case, HISTORY_HEAD_FIELD, tails[case.pk][1])
    if len(cases) == 1:
        # The common case, one action on one case: a plain UPDATE by key.
        type(cases[0])._default_manager.filter(pk=cases[0].pk).update(
            **{HISTORY_HEAD_FIELD: tails[cases[0].pk][1]}
        )
    else:
        update_rows(cases, [HISTORY_HEAD_FIELD])


def _has_history_head(model: type[Any]) -> bool:
    return any(field.name == HISTORY_HEAD_FIELD for field in model._meta.concrete_fields)
