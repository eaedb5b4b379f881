"""``fasttrack sweep``: mark the deadlines that passed without being met.

Run it daily (or more often: it is idempotent). Several sweeps may run at once
on PostgreSQL; each case is handled by whichever gets its lock first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fasttrack.cases.sweep import send_reminders, sweep


class Command(BaseCommand):
    help = (
        "Mark pending deadlines whose due date has passed as missed, and remind whoever "
        "must act before the coming ones."
    )

    # Run every minute or every day by cron or the worker: the system checks belong
    # to the deployment (``check --deploy``) and the server's start, not to every
    # run, where they cost a second and their warnings would fill cron's mail.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="The date to sweep as (YYYY-MM-DD); today in Europe/Copenhagen by default.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        marked = sweep(today=options["today"])
        self.stdout.write(f"Marked {marked} deadline(s) as missed.")
        # Reported only with -v 2: the first line is what cron mails read.
        reminders = send_reminders(today=options["today"])
        if options["verbosity"] >= 2:
            self.stdout.write(f"Sent {reminders} reminder(s).")
