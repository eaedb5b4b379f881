"""Keeps a case's deadline rows in step with the rules and the facts.

The dates always come from ``fasttrack.lib.rules.schedule`` applied to the
case's facts, never from counters, and whether a milestone was reached comes
from the facts too (a consent answered, a certificate received, a meeting
held). The only status the rows hold on their own is ``missed`` for what was
not reached in time, which the sweep sets. Callers hold the case's row lock
(``cases.actions``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from fasttrack.bulk import update_rows
from fasttrack.cases.models import (
    Answers,
    CaseDeadline,
    Consent,
    DeadlineStatus,
    EmployerConversation,
    FastTrackCase,
)
from fasttrack.cases.states import State
from fasttrack.lib.rules import CaseFacts, Deadline, DeadlineKey, rule_set_by_version, schedule
from fasttrack.medical.models import Certificate, CertificateRequest, RequestStatus
from fasttrack.meetings.models import MILESTONE_OF_KIND, Meeting, MeetingKind, MeetingState

# Deadlines the jobcentre cannot meet: the employer's own conversation is shown
# to the employer for information, so it is never marked missed and
# does not decide the case's next deadline.
INFORMATIONAL_KEYS = frozenset({DeadlineKey.EMPLOYER_SICK_ABSENCE_CONVERSATION})

# A case in these states has no milestones left to reach.
_ENDED_STATES = frozenset({State.WITHDRAWN, State.CLOSED})
_NORMAL_TRACK_STATES = frozenset({State.DECLINED})


def current_certificate_request(
    case: FastTrackCase, *, requests: Sequence[CertificateRequest] | None = None
) -> CertificateRequest | None:
    """The latest request not cancelled; from ``requests`` (all of the case's) when
    the caller has read them."""
    if requests is not None:
        return latest_certificate_request(requests, open_only=False)
    return (
        CertificateRequest.objects.filter(case=case)
        .exclude(status=RequestStatus.CANCELLED)
        .select_related("clinic")
        .order_by("-requested_on", "-id")
        .first()
    )


def latest_certificate_request(
    requests: Sequence[CertificateRequest], *, open_only: bool
) -> CertificateRequest | None:
    """The latest of ``requests`` that is open (``open_only``) or not cancelled, as the
    queries order them: by day requested, then the latest made."""
    if open_only:
        candidates = [r for r in requests if r.status == RequestStatus.REQUESTED]
    else:
        candidates = [r for r in requests if r.status != RequestStatus.CANCELLED]
    return max(candidates, key=lambda r: (r.requested_on, r.pk), default=None)


def first_conversation_on(case: FastTrackCase) -> date | None:
    """The day the first conversation is booked for, or was held on; None without one.

    The medical certificate is due by then (R-16).
    """
    meeting = (
        Meeting.objects.filter(case=case, kind=MeetingKind.FIRST_CONVERSATION)
        .exclude(state=MeetingState.CANCELLED)
        .order_by("starts_at", "pk")
        .first()
    )
    if meeting is None:
        return None
    return meeting.held_on or timezone.localdate(meeting.starts_at)


@dataclass(frozen=True)
class _Records:
    """What the clock reads about a case, each table once."""

    certificate_request: CertificateRequest | None
    # Not cancelled, by start.
    meetings: list[Meeting]

    @classmethod
    def of(cls, case: FastTrackCase) -> _Records:
        return cls.of_cases([case])[case.pk]

    @classmethod
    def of_cases(
        cls,
        cases: Sequence[FastTrackCase],
        requests: dict[int, list[CertificateRequest]] | None = None,
    ) -> dict[int, _Records]:
        """The records of every case in ``cases``, each table read once for all;
        ``requests``: their certificate requests (``requests_of``), when read."""
        ids = [case.pk for case in cases]
        meetings: dict[int, list[Meeting]] = {pk: [] for pk in ids}
        for meeting in (
            Meeting.objects.filter(case_id__in=ids)
            .exclude(state=MeetingState.CANCELLED)
            .order_by("starts_at", "pk")
        ):
            meetings[meeting.case_id].append(meeting)
        if requests is None:
            requests = requests_of(ids)
        return {
            pk: cls(latest_certificate_request(requests[pk], open_only=False), meetings[pk])
            for pk in ids
        }

    def first_conversation_on(self) -> date | None:
        """As ``first_conversation_on``, from the meetings already read."""
        meeting = next((m for m in self.meetings if m.kind == MeetingKind.FIRST_CONVERSATION), None)
        if meeting is None:
            return None
        return meeting.held_on or timezone.localdate(meeting.starts_at)


@dataclass(frozen=True)
class NewCase:
    """What a case created in the caller's transaction has: no certificate request,
    meeting, employer's conversation or deadline yet, the consent if the request
    was one (the employee's own), and the answers given with it. The clock then
    reads none of them."""

    consent: Consent | None = None
    answers: list[Answers] = field(default_factory=list)


def requests_of(ids: Sequence[int]) -> dict[int, list[CertificateRequest]]:
    """The certificate requests of the cases ``ids`` that are not cancelled, per case."""
    requests: dict[int, list[CertificateRequest]] = {pk: [] for pk in ids}
    for request in (
        CertificateRequest.objects.filter(case_id__in=ids)
        .exclude(status=RequestStatus.CANCELLED)
        .select_related("clinic")
    ):
        requests[request.case_id].append(request)
    return requests


def case_facts(case: FastTrackCase, records: _Records | None = None) -> CaseFacts:
    absence = case.absence
    records = records or _Records.of(case)
    certificate_request = records.certificate_request
    return CaseFacts(
        first_absence_day=absence.first_absence_day,
        request_date=case.requested_on,
        requested_by=case.requested_by,  # type: ignore[arg-type]
        has_employer=absence.employer_id is not None,
        consent_letter_sent_on=case.consent_letter_sent_on,
        declined=case.state in _NORMAL_TRACK_STATES,
        certificate_requested_on=certificate_request.requested_on if certificate_request else None,
        certificate_due_in_days=certificate_request.due_in_days if certificate_request else None,
        first_conversation_on=records.first_conversation_on(),
        leaves_within_8_weeks=absence.leaves_within_8_weeks,
    )


@dataclass(frozen=True)
class _Facts:
    """Everything ``recompute_deadlines`` reads about one case besides the case row."""

    records: _Records
    # Not cancelled, for the due day the open ones show the doctor.
    requests: list[CertificateRequest]
    consent_on: date | None
    certificate_received_on: date | None
    employer_conversation_on: date | None
    deadlines: list[CaseDeadline]

    @classmethod
    def of_cases(cls, cases: Sequence[FastTrackCase]) -> dict[int, _Facts]:
        """The facts of every case in ``cases``, in the same number of statements for
        one case as for a thousand: each table is read once for all of them."""
        ids = [case.pk for case in cases]
        requests = requests_of(ids)
        records = _Records.of_cases(cases, requests)
        consents = dict(
            Consent.objects.filter(case_id__in=ids).values_list("case_id", "answered_on")
        )
        current = {
            record.certificate_request.pk: pk
            for pk, record in records.items()
            if record.certificate_request is not None
        }
        certificates = {
            current[request_id]: timezone.localdate(received_at)
            for request_id, received_at in (
                Certificate.objects.filter(request_id__in=list(current)).values_list(
                    "request_id", "received_at"
                )
                if current
                else []
            )
        }
        conversations = dict(
            EmployerConversation.objects.filter(case_id__in=ids).values_list("case_id", "held_on")
        )
        deadlines: dict[int, list[CaseDeadline]] = {pk: [] for pk in ids}
        for row in CaseDeadline.objects.filter(case_id__in=ids):
            deadlines[row.case_id].append(row)
        return {
            pk: cls(
                records[pk],
                requests[pk],
                consents.get(pk),
                certificates.get(pk),
                conversations.get(pk),
                deadlines[pk],
            )
            for pk in ids
        }

    def reached_on(self, case: FastTrackCase) -> dict[str, date]:
        """The day each milestone was reached, as the case's records show it."""
        reached: dict[str, date] = {DeadlineKey.REQUEST_WINDOW_CLOSES: case.requested_on}
        if self.consent_on is not None:
            reached[DeadlineKey.EMPLOYEE_CONSENT] = self.consent_on
        if self.certificate_received_on is not None:
            reached[DeadlineKey.MEDICAL_CERTIFICATE] = self.certificate_received_on
        held = [m for m in self.records.meetings if m.state == MeetingState.HELD]
        for meeting in sorted(held, key=lambda m: (m.held_on, m.starts_at, m.pk)):
            assert meeting.held_on is not None
            reached.setdefault(MILESTONE_OF_KIND[MeetingKind(meeting.kind)], meeting.held_on)
        if self.employer_conversation_on is not None:
            reached[DeadlineKey.EMPLOYER_SICK_ABSENCE_CONVERSATION] = self.employer_conversation_on
        return reached


@dataclass(frozen=True)
class StatusChange:
    key: str
    old: str
    new: str
    met_on: date | None


@dataclass(frozen=True)
class DueChange:
    """A pending deadline that the facts moved, such as the certificate's (R-16)."""

    key: str
    old: date
    new: date


@dataclass(frozen=True)
class Recomputed:
    statuses: list[StatusChange]
    moved: list[DueChange]
    # All the case's deadline rows as now stored.
    rows: list[CaseDeadline]


def recompute_deadlines(
    case: FastTrackCase, *, today: date, new_case: NewCase | None = None
) -> Recomputed:
    """Bring the deadline rows and ``next_deadline_*`` in line with the case's facts.

    Returns the status changes, so that the action can write them into the
    history, the pending deadlines that moved, so that it can tell whoever
    works to them, and the rows. ``new_case`` for a case created in the
    caller's transaction: what it does not have is not read.
    """
    if new_case is None:
        return recompute_deadlines_of([case], today=today)[case.pk]
    facts = _Facts(
        records=_Records(None, []),
        requests=[],
        consent_on=new_case.consent.answered_on if new_case.consent else None,
        certificate_received_on=None,
        employer_conversation_on=None,
        deadlines=[],
    )
    written = _Writes()
    result = _recompute(case, facts, written, today=today)
    written.save()
    return result


def recompute_deadlines_of(cases: Sequence[FastTrackCase], *, today: date) -> dict[int, Recomputed]:
    """``recompute_deadlines`` for many cases (the sweep's chunk) in a fixed number of
    statements: the facts read per table for all, the rules applied per case,
    and what changed written per table for all."""
    facts = _Facts.of_cases(cases)
    written = _Writes()
    results = {case.pk: _recompute(case, facts[case.pk], written, today=today) for case in cases}
    written.save()
    return results


@dataclass
class _Writes:
    """What ``_recompute`` changed, written one statement per table."""

    new_deadlines: list[CaseDeadline] = field(default_factory=list)
    changed_deadlines: list[CaseDeadline] = field(default_factory=list)
    requests: list[CertificateRequest] = field(default_factory=list)
    cases: list[FastTrackCase] = field(default_factory=list)

    def save(self) -> None:
        # A new case's deadlines in one statement.
        CaseDeadline.objects.bulk_create(self.new_deadlines)
        update_rows(self.changed_deadlines, _DEADLINE_FIELDS)
        update_rows(self.requests, ["due_on"])
        update_rows(self.cases, ["next_deadline_on", "next_deadline_key", "updated_at"])


def _recompute(case: FastTrackCase, facts: _Facts, written: _Writes, *, today: date) -> Recomputed:
    """The rules applied to one case's facts; the rows to write go to ``written``."""
    scheduled = schedule(
        rule_set_by_version(case.rule_set_version), case_facts(case, facts.records)
    )
    reached = facts.reached_on(case)
    rows = {row.key: row for row in facts.deadlines}
    changes: list[StatusChange] = []
    moved: list[DueChange] = []
    kept: list[CaseDeadline] = []
    for key, deadline in scheduled.items():
        row = rows.pop(key, None) or CaseDeadline(case=case, key=key)
        old, old_due = (row.status, row.due_on) if row.pk else ("", None)
        before = _stored(row)
        # The statistics count a municipality's deadlines by the municipality on the row.
        row.municipality_id = case.municipality_id
        _apply(row, deadline, reached.get(key), today=today)
        if case.state in _ENDED_STATES:
            _retire(row)
        if row.pk is None:
            written.new_deadlines.append(row)
        elif _stored(row) != before:
            # Only what changed is written: most actions move one deadline or none.
            written.changed_deadlines.append(row)
        kept.append(row)
        if old and row.status != old:
            changes.append(StatusChange(key, old, row.status, row.met_on))
        if old == row.status == DeadlineStatus.PENDING and old_due and row.due_on != old_due:
            assert row.due_on is not None
            moved.append(DueChange(key, old_due, row.due_on))
    written.requests += _certificate_requests_to_move(
        facts.requests, scheduled.get(DeadlineKey.MEDICAL_CERTIFICATE)
    )
    # What the rules no longer schedule (the retention meeting after a decline).
    for row in rows.values():
        old, before = row.status, _stored(row)
        row.municipality_id = case.municipality_id
        if _retire(row):
            changes.append(StatusChange(row.key, old, row.status, None))
        if _stored(row) != before:
            written.changed_deadlines.append(row)
        kept.append(row)
    if _set_next_deadline(case, kept):
        written.cases.append(case)
    return Recomputed(changes, moved, kept)


# What ``_apply`` and ``_retire`` may change, and the municipality, which follows
# the case's: compared before and after (``_stored``) and written when changed.
_DEADLINE_FIELDS = [
    "municipality",
    "due_on",
    "basis",
    "rule_id",
    "legal",
    "counts_from",
    "status",
    "met_on",
]
_ATTRIBUTE_OF = {field.name: field.attname for field in CaseDeadline._meta.concrete_fields}
_DEADLINE_ATTRIBUTES = [_ATTRIBUTE_OF[name] for name in _DEADLINE_FIELDS]


def _stored(row: CaseDeadline) -> tuple[Any, ...]:
    """The values of ``row`` in ``_DEADLINE_FIELDS``."""
    return tuple(getattr(row, attribute) for attribute in _DEADLINE_ATTRIBUTES)


def _certificate_requests_to_move(
    requests: Sequence[CertificateRequest], deadline: Deadline | None
) -> list[CertificateRequest]:
    """The open requests whose due day differs from the one the clock computes: they
    show the doctor that one (R-16)."""
    if deadline is None or deadline.due is None:
        return []
    moved = [
        request
        for request in requests
        if request.status == RequestStatus.REQUESTED and request.due_on != deadline.due
    ]
    for request in moved:
        request.due_on = deadline.due
    return moved


def _apply(row: CaseDeadline, deadline: Deadline, reached_on: date | None, *, today: date) -> None:
    row.due_on = deadline.due
    row.basis = deadline.basis
    row.rule_id = deadline.rule_id
    row.legal = deadline.legal
    row.counts_from = deadline.counts_from
    if deadline.due is None:
        row.status, row.met_on = DeadlineStatus.NOT_APPLICABLE, None
    elif reached_on is not None:
        # Reached after the due date it stays missed (a late conversation still
        # broke the rule) but keeps the day it happened. The employer's own
        # conversation is information, not the jobcentre's rule: held is held.
        on_time = reached_on <= deadline.due or deadline.key in INFORMATIONAL_KEYS
        row.status = DeadlineStatus.MET if on_time else DeadlineStatus.MISSED
        row.met_on = reached_on
    elif not _stays_closed(row, deadline.due, today=today):
        # Not reached (any more): open, also when the rules moved the date into
        # the future, such as the normal track's later first conversation.
        row.status, row.met_on = DeadlineStatus.PENDING, None


def _stays_closed(row: CaseDeadline, due: date, *, today: date) -> bool:
    if row.status == DeadlineStatus.NOT_APPLICABLE:
        return True
    return row.status == DeadlineStatus.MISSED and row.met_on is None and due < today


def _retire(row: CaseDeadline) -> bool:
    if row.status != DeadlineStatus.PENDING:
        return False
    row.status = DeadlineStatus.NOT_APPLICABLE
    return True


def _set_next_deadline(case: FastTrackCase, rows: list[CaseDeadline]) -> bool:
    """Set the earliest pending deadline of ``rows`` (all the case's, as about to be
    written) on ``case``, the jobcentre's own before the employer's information;
    whether it changed."""
    pending = [
        row
        for row in rows
        if row.status == DeadlineStatus.PENDING
        and row.due_on is not None
        and row.key not in INFORMATIONAL_KEYS
    ]
    # By day, then by id as the database would order them; a new row, not yet
    # inserted, comes after the stored ones of its day, as its id will.
    next_row = min(
        pending,
        key=lambda row: (row.due_on, row.pk is None, row.pk or 0),
        default=None,
    )
    next_on = next_row.due_on if next_row else None
    next_key = next_row.key if next_row else ""
    if (case.next_deadline_on, case.next_deadline_key) == (next_on, next_key):
        return False
    case.next_deadline_on = next_on
    case.next_deadline_key = next_key
    # bulk_update does not stamp ``auto_now`` fields as save() does.
    case.updated_at = timezone.now()
    return True
