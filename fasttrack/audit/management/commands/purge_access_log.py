"""``fasttrack purge_access_log``: delete access log entries past retention (R-25)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from fasttrack.audit.access import purge_access_log


class Command(BaseCommand):
    help = "Delete access log entries older than ACCESS_LOG_RETENTION_DAYS (default 183)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only say how old an entry must be to go; delete nothing.",
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        days = int(getattr(settings, "ACCESS_LOG_RETENTION_DAYS", 183))
        older_than = timezone.now() - timedelta(days=days)
        if dry_run:
            self.stdout.write(
                f"Would delete access log entries from before {older_than:%Y-%m-%d %H:%M} UTC."
            )
            return
        deleted = purge_access_log(older_than=older_than)
        self.stdout.write(
            f"Deleted {deleted} access log entries from before "
            f"{older_than:%Y-%m-%d %H:%M} UTC ({days} days)."
        )
