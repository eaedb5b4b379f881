"""The figures across municipalities, from tallies counted ahead (``reports.models``).

``refresh`` counts every municipality's requests, milestones and outcomes per day
into a temporary table with three grouped ``INSERT … SELECT``, adds them up per
month with a fourth, and then deletes and adds only the tallies that differ, all in
one transaction: a reader sees the old tallies or the new ones, never a mix.
``NationalFigures`` then answers a period from the months it covers whole and the
days at its edges, in one query, with the same structures ``figures`` counts from
the cases, so the administrator's page is built the same way from either.

A milestone's class depends on the day it is counted on (pending past its day is
"not reached"). The tallies are classed against the day they were counted on, and
the month that day lies in is always read by its days, so no month tally mixes
days before and after it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from fasttrack.cases.models import CaseDeadline, DeadlineStatus, FastTrackCase
from fasttrack.cases.states import State
from fasttrack.lib.rules.keys import DeadlineKey
from fasttrack.reports import figures as f
from fasttrack.reports.models import Grain, Group, Snapshot, Tally
from fasttrack.reports.periods import Period, month

# The tally's columns, each filled from the aliased column of the same name
# prefixed with ``t_`` in the counting queries.
_COLUMNS = [
    "municipality",
    "day",
    "group",
    "key",
    "status",
    "reached",
    "answer",
    "declined",
    "cases",
]
_NO = Value(False, output_field=BooleanField())
# The temporary table a count is made in, in the counting transaction only.
_COUNTING = "reports_tally_counting"


def _column_names() -> list[str]:
    """The tally's columns in ``_COLUMNS`` order, after ``grain``, quoted."""
    column = {field.name: field.column for field in Tally._meta.concrete_fields}
    return [connection.ops.quote_name(str(column[name])) for name in ["grain", *_COLUMNS]]


def _as_tally_rows(rows: QuerySet[Any], grain: str, table: str) -> None:
    """Insert ``rows`` (each ``t_<column>`` of ``_COLUMNS``) into ``table`` as tallies
    of ``grain``."""
    quote = connection.ops.quote_name
    sql, params = rows.query.sql_with_params()
    selected = ", ".join(f"counted.{quote('t_' + name)}" for name in _COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            # Names from the model and SQL from the ORM; the values are parameters.
            f"INSERT INTO {table} ({', '.join(_column_names())}) "  # noqa: S608
            f"SELECT %s, {selected} FROM ({sql}) counted",
            (grain, *params),
        )


def _constant(**values: Any) -> dict[str, Value]:
    return {f"t_{name}": Value(value) for name, value in values.items()}


def _cases_by(cases: QuerySet[FastTrackCase], day: str, key: str, group: Group) -> QuerySet[Any]:
    """Cases counted per municipality, ``day`` and ``key``, as tallies of ``group``."""
    return (
        cases.order_by()
        .values(t_municipality=F("municipality"), t_day=F(day), t_key=F(key))
        .annotate(
            **_constant(group=group.value, status="", answer=""),
            t_reached=_NO,
            t_declined=_NO,
            t_cases=Count("*"),
        )
    )


def _requests() -> QuerySet[Any]:
    return _cases_by(FastTrackCase.objects.all(), "requested_on", "requested_by", Group.REQUESTS)


def _outcomes() -> QuerySet[Any]:
    closed = FastTrackCase.objects.filter(state=State.CLOSED, closed_on__isnull=False)
    return _cases_by(closed, "closed_on", "outcome", Group.OUTCOMES)


def _milestones() -> QuerySet[Any]:
    declined = FastTrackCase.objects.order_by().filter(state=State.DECLINED).values("pk")
    return (
        CaseDeadline.objects.order_by()
        .filter(key__in=f.MILESTONE_KEYS, due_on__isnull=False)
        .exclude(status=DeadlineStatus.NOT_APPLICABLE)
        .values(
            t_municipality=F("municipality"),
            t_day=F("due_on"),
            t_key=F("key"),
            t_status=F("status"),
            t_reached=Case(
                When(met_on__isnull=False, then=Value(True)),
                default=_NO,
                output_field=BooleanField(),
            ),
            t_answer=f.consent_answer(),
            # Only the first conversation needs it; the hashed subquery
            # spares joining every deadline row to its case.
            t_declined=Case(
                When(
                    Q(key=DeadlineKey.FIRST_FOLLOWUP_CONVERSATION, case__in=declined),
                    then=Value(True),
                ),
                default=_NO,
                output_field=BooleanField(),
            ),
        )
        .annotate(**_constant(group=Group.MILESTONES.value), t_cases=Count("*"))
    )


def _month_of(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _count_into(table: str) -> None:
    """Count every tally afresh into the temporary ``table``: the days from the cases
    and deadlines, then the months from the days."""
    quote = connection.ops.quote_name
    columns = _column_names()
    with connection.cursor() as cursor:
        # Same columns as the tallies (no id); temporary, so no write-ahead log.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} AS "  # noqa: S608 (names only)
            f"SELECT {', '.join(columns)} FROM {quote(Tally._meta.db_table)} WHERE 1 = 0"
        )
        for rows in (_requests(), _milestones(), _outcomes()):
            _as_tally_rows(rows, Grain.DAY, table)
        kept = [columns[1], _month_of(columns[2]), *columns[3:-1]]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (names only)
            f"SELECT %s, {', '.join(kept)}, SUM({columns[-1]}) FROM {table} "
            f"WHERE {columns[0]} = %s GROUP BY {', '.join(kept)}",
            [Grain.MONTH.value, Grain.DAY.value],
        )
        if connection.vendor == "postgresql":
            # A temporary table is never analysed on its own; the joins below need sizes.
            cursor.execute(f"ANALYZE {table}")


def _replace_with(table: str) -> int:
    """Make the tallies what ``table`` holds, touching only the rows that differ:
    between two counts a quarter of an hour apart most tallies are the same, and
    rewriting a million unchanged rows would fill the write-ahead log (and every
    replica and backup) for nothing. Returns how many rows were deleted or added."""
    quote = connection.ops.quote_name
    tally = quote(Tally._meta.db_table)
    columns = _column_names()
    same = " AND ".join(f"t.{c} = n.{c}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {tally} WHERE {quote('id')} IN ("  # noqa: S608 (names only)
            f"SELECT t.{quote('id')} FROM {tally} t LEFT JOIN {table} n ON {same} "
            f"WHERE n.{columns[0]} IS NULL)"
        )
        deleted = int(cursor.rowcount)
        cursor.execute(
            f"INSERT INTO {tally} ({', '.join(columns)}) "  # noqa: S608 (names only)
            f"SELECT {', '.join('n.' + c for c in columns)} FROM {table} n "
            f"WHERE NOT EXISTS (SELECT 1 FROM {tally} t WHERE {same})"
        )
        added = int(cursor.rowcount)
        cursor.execute(f"DROP TABLE {table}")
    return deleted + added


def current() -> Snapshot:
    """The one snapshot row, made on first use (a new or flushed database has none)."""
    snapshot, _created = Snapshot.objects.get_or_create(pk=1)
    return snapshot


def refresh(*, older_than: timedelta | None = None, now: datetime | None = None) -> Snapshot:
    """Count the tallies again, whole, in one transaction, and store what differs;
    with ``older_than``, only when the last count is older than that (checked under
    the lock, so two workers never count twice in a row)."""
    current()
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().get(pk=1)
        now = now or timezone.now()
        if (
            older_than is not None
            and snapshot.taken_at is not None
            and now - snapshot.taken_at < older_than
        ):
            return snapshot
        started = time.perf_counter()
        _count_into(_COUNTING)
        snapshot.changed = _replace_with(_COUNTING)
        snapshot.taken_at = now
        snapshot.counted_on = timezone.localdate(now)
        snapshot.seconds = round(time.perf_counter() - started, 3)
        snapshot.save()
    return snapshot


def counted() -> Snapshot:
    """The tallies' snapshot, counted first if they never were (a new installation)."""
    snapshot = current()
    return snapshot if snapshot.taken_at is not None else refresh()


# --- reading a period -------------------------------------------------------------------


def split(period: Period, counted_on: date) -> tuple[list[date], list[tuple[date, date]]]:
    """The months ``period`` covers whole (their first days), apart from the month of
    ``counted_on``, and the runs of days left over."""
    months: list[date] = []
    days: list[tuple[date, date]] = []
    run_start: date | None = None
    day = period.start
    while day <= period.end:
        month_end = month(day.year, day.month).end
        whole = day.day == 1 and month_end <= period.end
        if whole and (day.year, day.month) != (counted_on.year, counted_on.month):
            if run_start is not None:
                days.append((run_start, day - timedelta(days=1)))
                run_start = None
            months.append(day)
        elif run_start is None:
            run_start = day
        day = min(month_end, period.end) + timedelta(days=1)
    if run_start is not None:
        days.append((run_start, period.end))
    return months, days


def _in_period(period: Period, counted_on: date) -> Q:
    months, days = split(period, counted_on)
    where = Q(grain=Grain.MONTH, day__in=months) if months else Q(pk__in=[])
    for first, last in days:
        where |= Q(grain=Grain.DAY, day__range=(first, last))
    return where


def _kept(status: str, reached: bool, past: bool) -> str:
    """The class of a milestone as ``figures._kept_filters`` has it."""
    if status == DeadlineStatus.MET:
        return f.Kept.IN_TIME
    if status == DeadlineStatus.MISSED:
        return f.Kept.LATE if reached else f.Kept.NOT_REACHED
    return f.Kept.NOT_REACHED if past else f.Kept.PENDING


class NationalFigures:
    """Requests, milestones and outcomes of a period per municipality, from the
    tallies, in the shapes ``figures`` gives (not ``detailed``)."""

    def __init__(self, period: Period, snapshot: Snapshot) -> None:
        if snapshot.counted_on is None:
            raise ValueError("The tallies have not been counted.")
        self.snapshot = snapshot
        self.requests: dict[int, f.RequestFigures] = defaultdict(f.RequestFigures)
        self.milestones: dict[int, dict[str, f.MilestoneFigures]] = defaultdict(
            lambda: defaultdict(f.MilestoneFigures)
        )
        self.outcomes: dict[int, f.OutcomeFigures] = defaultdict(f.OutcomeFigures)
        counted_on = snapshot.counted_on
        rows = (
            Tally.objects.order_by()
            .filter(_in_period(period, counted_on))
            .annotate(
                past=Case(
                    When(day__lt=counted_on, then=Value(True)),
                    default=_NO,
                    output_field=BooleanField(),
                )
            )
            .values(
                "municipality", "group", "key", "status", "reached", "answer", "declined", "past"
            )
            .annotate(total=Sum("cases"))
        )
        for row in rows:
            self._add(row)

    def _add(self, row: Mapping[str, Any]) -> None:
        where, key, cases = int(row["municipality"]), row["key"], int(row["total"])
        if row["group"] == Group.REQUESTS:
            requests = self.requests[where]
            requests.by_requester[key].add(cases)
            requests.total.add(cases)
        elif row["group"] == Group.OUTCOMES:
            outcomes = self.outcomes[where]
            outcomes.by_outcome[key].add(cases)
            outcomes.total.add(cases)
        elif not (row["declined"] and key == DeadlineKey.FIRST_FOLLOWUP_CONVERSATION):
            milestone = self.milestones[where][key]
            milestone.kept[_kept(row["status"], row["reached"], row["past"])].add(cases)
            milestone.due.add(cases)
            if row["answer"]:
                milestone.answers[row["answer"]].add(cases)
