"""``fasttrack refresh_statistics``: count the tallies behind the statistics across
municipalities again (``reports.snapshot``).

The worker runs it every ``STATISTICS_REFRESH_SECONDS`` with ``--if-due``; run it by
hand after loading data, or from cron where no worker runs. Several may run at once:
they take turns on one lock, and with ``--if-due`` the second finds the count fresh.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from fasttrack.reports.snapshot import refresh


class Command(BaseCommand):
    help = "Count the statistics across municipalities again."

    # Run by the worker every few minutes: the system checks belong to the deployment.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-due",
            action="store_true",
            help="Only when the last count is older than STATISTICS_REFRESH_SECONDS.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        older_than = (
            timedelta(seconds=settings.STATISTICS_REFRESH_SECONDS) if options["if_due"] else None
        )
        snapshot = refresh(older_than=older_than)
        self.stdout.write(
            f"Statistics counted at {snapshot.taken_at:%Y-%m-%d %H:%M:%S %Z} "
            f"in {snapshot.seconds:.2f} s ({snapshot.changed} tallies changed)."
        )
