"""``fasttrack deliver_pending``: the outbox recovery, once (cron or by hand)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fasttrack.notifications.recovery import recover_outbox


class Command(BaseCommand):
    help = (
        "Give undelivered messages whose task was lost a new task, release messages and "
        "tasks whose worker died, and fail those out of attempts. Safe to run at any time, "
        "also from several processes at once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = recover_outbox()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Outbox recovery: {report}.")
