"""``fasttrack audit verify [--case ID ...]``: check the case history's hash chains."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fasttrack.audit.verify import verify_history


class Command(BaseCommand):
    help = "Check the case history (append-only, hash-chained)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        verify = subcommands.add_parser(
            "verify",
            help="Recompute every event's hash and check the links of each case's chain.",
        )
        verify.add_argument(
            "--case",
            dest="case_ids",
            type=int,
            action="append",
            metavar="ID",
            help="Check only this case (may be given more than once).",
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "verify":
            self.verify(options.get("case_ids"))

    def verify(self, case_ids: list[int] | None) -> None:
        report = verify_history(case_ids)
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(f"OK: {report.events} events in {report.cases} cases verified")
            )
            return
        for link in report.broken:
            self.stdout.write(self.style.ERROR(f"BROKEN: {link}"))
        raise CommandError(
            f"{len(report.broken)} of {report.cases} cases have a broken history "
            f"({report.events} events read).",
            returncode=1,
        )
