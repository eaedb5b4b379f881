"""Checking the case history's hash chains (RULES.md R-27).

Walks every case's events in sequence order, recomputes each hash and checks
the links between them, streaming rows so that any number of events fits in
memory. What it proves and what it cannot:

* a stored event whose fields were changed: "hash mismatch" at that event;
* an event removed from the middle or start: "missing sequence" at the next;
* an event rewritten with a recomputed hash: "broken link" at the next;
* events removed from the *end* leave a shorter chain that is still whole.
  That is noticed only when the case model keeps the latest hash in a
  ``history_head`` field ("head mismatch"); on PostgreSQL the trigger of
  migration 0002 refuses the deletion in the first place.
* Someone with full database access can rewrite a whole chain consistently;
  catching that needs the heads kept outside the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.apps import apps

from fasttrack.audit.chain import GENESIS_HASH, EventFields, event_hash
from fasttrack.audit.history import HISTORY_HEAD_FIELD
from fasttrack.audit.models import CaseEvent

_CHUNK_SIZE = 2000
_COLUMNS = (
    "id",
    "case_id",
    "sequence",
    "verb",
    "actor_id",
    "actor_role",
    "actor_organisation",
    "at",
    "old",
    "new",
    "note",
    "visible_to_employer",
    "note_shared_with_employer",
    "prev_hash",
    "hash",
)


class Problem(StrEnum):
    HASH_MISMATCH = "hash mismatch"
    BROKEN_LINK = "broken link"
    MISSING_SEQUENCE = "missing sequence"
    HEAD_MISMATCH = "head mismatch"


@dataclass(frozen=True)
class BrokenLink:
    case_id: int
    sequence: int | None
    event_id: int | None
    problem: Problem
    detail: str

    def __str__(self) -> str:
        where = f"case {self.case_id}"
        if self.sequence is not None:
            where += f", sequence {self.sequence} (event {self.event_id})"
        return f"{where}: {self.problem} - {self.detail}"


@dataclass
class VerifyReport:
    events: int = 0
    cases: int = 0
    # The first broken link of each case that has one, by case id.
    broken: list[BrokenLink] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken


@dataclass
class _Walk:
    """Where the walk through one case's chain has come to."""

    case_id: int
    expected_sequence: int = 1
    prev_hash: str = GENESIS_HASH
    broken: BrokenLink | None = None
    # Every hash of the chain so far: a head read just before an event was
    # appended names an earlier event, which is no sign of tampering.
    hashes: set[str] = field(default_factory=set)


def verify_history(case_ids: Iterable[int] | None = None) -> VerifyReport:
    """Check the chains of the given cases (all cases by default).

    Safe to run while the application records events: the heads are read
    before the events, so a case can only have grown since its head was read.
    """
    wanted = None if case_ids is None else sorted(set(case_ids))
    heads = _heads(wanted)
    report = VerifyReport()
    walk: _Walk | None = None
    for row in _rows(wanted):
        if walk is None or row["case_id"] != walk.case_id:
            _finish(walk, heads, report)
            walk = _Walk(case_id=row["case_id"])
            report.cases += 1
        report.events += 1
        if walk.broken is None:
            walk.broken = _check(walk, row)
    _finish(walk, heads, report)
    # A case whose head names a hash but which has no events left at all.
    for case_id, head in heads.items():
        if head:
            report.broken.append(
                BrokenLink(case_id, None, None, Problem.HEAD_MISMATCH, "no events, head is set")
            )
    report.broken.sort(key=lambda link: link.case_id)
    return report


def _rows(case_ids: list[int] | None) -> Iterator[dict[str, Any]]:
    events = CaseEvent.objects.order_by("case_id", "sequence")
    if case_ids is not None:
        events = events.filter(case_id__in=case_ids)
    return events.values(*_COLUMNS).iterator(chunk_size=_CHUNK_SIZE)


def _check(walk: _Walk, row: dict[str, Any]) -> BrokenLink | None:
    def broken(problem: Problem, detail: str) -> BrokenLink:
        return BrokenLink(walk.case_id, row["sequence"], row["id"], problem, detail)

    if row["sequence"] != walk.expected_sequence:
        return broken(
            Problem.MISSING_SEQUENCE,
            f"expected sequence {walk.expected_sequence}, found {row['sequence']}",
        )
    fields = EventFields(**{name: row[name] for name in EventFields.__dataclass_fields__})
    if event_hash(fields) != row["hash"]:
        return broken(Problem.HASH_MISMATCH, "the stored event differs from what was recorded")
    if row["prev_hash"] != walk.prev_hash:
        return broken(Problem.BROKEN_LINK, "prev_hash does not match the previous event's hash")
    walk.expected_sequence += 1
    walk.prev_hash = row["hash"]
    walk.hashes.add(row["hash"])
    return None


def _finish(walk: _Walk | None, heads: dict[int, str], report: VerifyReport) -> None:
    if walk is None:
        return
    head = heads.pop(walk.case_id, "")
    if walk.broken is None and head and head not in walk.hashes:
        walk.broken = BrokenLink(
            walk.case_id,
            None,
            None,
            Problem.HEAD_MISMATCH,
            f"the case's latest hash is not that of its last event "
            f"(sequence {walk.expected_sequence - 1}): events removed from the end",
        )
    if walk.broken is not None:
        report.broken.append(walk.broken)


def _heads(case_ids: list[int] | None) -> dict[int, str]:
    """The ``history_head`` of each case, when the case model keeps one."""
    case_model = apps.get_model("cases", "FastTrackCase")
    if not any(f.name == HISTORY_HEAD_FIELD for f in case_model._meta.concrete_fields):
        return {}
    cases = case_model._default_manager.exclude(**{HISTORY_HEAD_FIELD: ""})
    if case_ids is not None:
        cases = cases.filter(pk__in=case_ids)
    return dict(cases.values_list("pk", HISTORY_HEAD_FIELD).iterator(chunk_size=_CHUNK_SIZE))
