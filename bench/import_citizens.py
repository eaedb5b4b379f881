"""Benchmark: ``fasttrack import_citizens`` on a file of 10,000 rows.

Run with ``make bench-import`` (or ``DEBUG=1 .venv/bin/python bench/import_citizens.py
[ROWS]``). It makes a scratch SQLite database in a temporary directory (or uses
``DATABASE_URL`` when set), writes a register extract of valid, distinct CPR
numbers, imports it twice (all new, then all updated) and prints the seconds
each took. The target is under 30 s for 10,000 rows.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from io import StringIO
from pathlib import Path


def _cpr_numbers(count: int) -> list[str]:
    """Distinct CPR numbers with real birth dates (1950-1999, century digit 0-3)."""
    numbers: list[str] = []
    day = date(1950, 1, 1)
    serial = 0
    while len(numbers) < count:
        numbers.append(f"{day:%d%m%y}{serial % 4}{serial % 1000:03d}")
        serial += 1
        if serial % 1000 == 0:
            day += timedelta(days=1)
    return numbers


def _write_file(path: Path, count: int, surname: str = "Testesen") -> None:
    codes = ["101", "147", "751", "851", "461"]
    lines = ["cpr;name;address;municipality_code;clinic_number"]
    for index, cpr in enumerate(_cpr_numbers(count)):
        clinic = "012345" if index % 2 else ""
        lines.append(
            f"{cpr};Borger {index} {surname};Testvej {index % 200}, 2200 København N;"
            f"{codes[index % len(codes)]};{clinic}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    scratch = Path(tempfile.mkdtemp(prefix="fasttrack-bench-"))
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fasttrack.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    extract = scratch / "citizens.csv"
    # The second file renames everyone, so that every row is a real update.
    for label, surname in (("new", "Testesen"), ("updated", "Hansen")):
        _write_file(extract, rows, surname)
        out = StringIO()
        started = time.perf_counter()
        call_command("import_citizens", str(extract), stdout=out)
        seconds = time.perf_counter() - started
        print(f"import_citizens {rows} rows ({label}): {seconds:.1f} s  {out.getvalue().strip()}")


if __name__ == "__main__":
    main()
