"""``fasttrack bench_statistics``: time the statistics on the configured database.

For ``make bench`` (docs/benchmarks.md): prints JSON with p50 and p95 in
milliseconds and the number of queries of each dashboard. Reads only.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fasttrack.people.models import Municipality
from fasttrack.reports.bench import measure_statistics
from fasttrack.reports.periods import PeriodError, parse_period, year


class Command(BaseCommand):
    help = "Time the statistics dashboards (p50, p95, queries) and print JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", help="2026, 2026-K4 or 2026-11; this year by default")
        parser.add_argument("--municipality", help="a municipality code; the busiest by default")
        parser.add_argument("--repeat", type=int, default=20, help="runs per dashboard (20)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        try:
            period = parse_period(options["period"]) if options["period"] else year(today.year)
        except PeriodError as error:
            raise CommandError(str(error)) from error
        municipality = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(code=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"No municipality has the code {options['municipality']}.")
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        try:
            results = measure_statistics(
                period, municipality=municipality, repeat=options["repeat"], today=today
            )
        except LookupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(results, indent=2))
