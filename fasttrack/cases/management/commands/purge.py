"""``fasttrack purge``: erase what has passed its retention (RULES.md R-25, R-31).

Run it daily from cron. Each kind is erased in its own short transactions and
recorded as an ``Erasure`` (kind and count, never content); ``--dry-run``
says what would go and erases and records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from fasttrack.audit.access import purge_access_log
from fasttrack.audit.models import AccessLogEntry, Erasure, ErasureKind
from fasttrack.cases.retention import (
    cases_past_retention,
    erase_before,
    erase_ended_cases,
    retention_years,
)

KINDS = [kind.value for kind in ErasureKind]


@dataclass(frozen=True)
class Step:
    kind: ErasureKind
    older_than: datetime
    rule: str


class Command(BaseCommand):
    help = (
        "Erase ended cases after CLOSED_CASE_RETENTION_YEARS (default 5) whole years, "
        "access log entries after ACCESS_LOG_RETENTION_DAYS (default 183) and stored API "
        "answers after API_IDEMPOTENCY_TTL_HOURS (24); record what kind and how many."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be erased; erase and record nothing.",
        )
        parser.add_argument(
            "--only",
            choices=KINDS,
            action="append",
            help="Erase only this kind (may be given more than once).",
        )

    def handle(self, *args: Any, dry_run: bool, only: list[str] | None, **options: Any) -> None:
        now = timezone.now()
        for step in self._steps(now):
            if only and step.kind.value not in only:
                continue
            count = self._count(step) if dry_run else self._erase(step, now)
            verb = "Would erase" if dry_run else "Erased"
            self.stdout.write(
                f"{verb} {count} {step.kind.value} row(s) older than "
                f"{step.older_than:%Y-%m-%d %H:%M} UTC ({step.rule})."
            )

    def _steps(self, now: datetime) -> list[Step]:
        years = retention_years()
        cases_before = erase_before(timezone.localdate(now), years)
        log_days = int(getattr(settings, "ACCESS_LOG_RETENTION_DAYS", 183))
        from fasttrack.api.idempotency import ttl

        return [
            Step(
                ErasureKind.CLOSED_CASE,
                datetime.combine(cases_before, time.min, tzinfo=UTC),
                f"{years} whole years after the year the case ended",
            ),
            Step(
                ErasureKind.ACCESS_LOG,
                now - timedelta(days=log_days),
                f"{log_days} days",
            ),
            Step(
                ErasureKind.IDEMPOTENCY_RECORD,
                now - ttl(),
                f"{ttl().total_seconds() / 3600:g} hours",
            ),
        ]

    def _count(self, step: Step) -> int:
        if step.kind == ErasureKind.CLOSED_CASE:
            return cases_past_retention(before=step.older_than.date()).count()
        if step.kind == ErasureKind.ACCESS_LOG:
            return AccessLogEntry.objects.filter(at__lt=step.older_than).count()
        from fasttrack.api.models import IdempotencyRecord

        return IdempotencyRecord.objects.filter(created_at__lt=step.older_than).count()

    def _erase(self, step: Step, now: datetime) -> int:
        if step.kind == ErasureKind.CLOSED_CASE:
            count = erase_ended_cases(before=step.older_than.date())
        elif step.kind == ErasureKind.ACCESS_LOG:
            count = purge_access_log(older_than=step.older_than)
        else:
            # The API sits above the case engine; its stored answers hold case data.
            from fasttrack.api.idempotency import purge_expired

            count = purge_expired(now)
        if count:
            Erasure.objects.create(at=now, kind=step.kind, count=count, older_than=step.older_than)
        return count
