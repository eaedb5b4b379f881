"""``fasttrack import_citizens FILE.csv``: load a municipality's register extract (R-36)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fasttrack.people.citizen_import import read_citizens, save_citizens


class Command(BaseCommand):
    help = (
        "Load citizens (CPR number, name, address, municipality code, optional clinic number) "
        "from a UTF-8 CSV file with a header row, separated by ; or ,. Every row is checked "
        "first; with any error nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file.")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except FileNotFoundError as error:
            raise CommandError(_("There is no file %(file)s.") % {"file": file}) from error
        except UnicodeDecodeError as error:
            raise CommandError(_("The file is not UTF-8.")) from error
        result = read_citizens(text)
        if result.errors:
            for row_error in result.errors:
                self.stderr.write(str(row_error))
            raise CommandError(
                _("%(count)d errors; nothing was imported.") % {"count": len(result.errors)}
            )
        save_citizens(result)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)d citizens added, %(updated)d updated.")
                % {"created": result.created, "updated": result.updated}
            )
        )
