from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fasttrack.api.idempotency import purge_expired


class Command(BaseCommand):
    help = (
        "Delete remembered Idempotency-Key responses older than 24 hours "
        "(API_IDEMPOTENCY_TTL_HOURS). Run it from cron, e.g. hourly."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{deleted} idempotency records deleted.")
