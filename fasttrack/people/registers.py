"""The municipalities and clinics Fasttrack knows, read from the data files
beside this module and loaded by a data migration (and again by ``seed_demo``).

``municipalities.csv`` holds the 98 municipalities with their official
3-digit codes (kommunekoder) and their jobcentres' names; ``clinics.csv`` the
general practices by clinic number (ydernummer). Loading adds what is missing
and never overwrites what an operator has changed since.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter=";")


def municipality_rows() -> list[dict[str, str]]:
    return list(_rows("municipalities.csv"))


def clinic_rows() -> list[dict[str, str]]:
    return list(_rows("clinics.csv"))


def load_registers(municipality_model: Any, clinic_model: Any) -> tuple[int, int]:
    """Create the municipalities and clinics that are missing; (created, created)."""
    known = set(municipality_model.objects.values_list("code", flat=True))
    municipalities = [
        municipality_model(code=row["code"], name=row["name"], jobcentre_name=row["jobcentre_name"])
        for row in municipality_rows()
        if row["code"] not in known
    ]
    municipality_model.objects.bulk_create(municipalities)
    known_clinics = set(clinic_model.objects.values_list("provider_number", flat=True))
    known_names = set(clinic_model.objects.values_list("name", flat=True))
    clinics = [
        clinic_model(
            provider_number=row["clinic_number"],
            name=row["name"],
            address=row["address"],
            phone=row["phone"],
        )
        for row in clinic_rows()
        if row["clinic_number"] not in known_clinics and row["name"] not in known_names
    ]
    clinic_model.objects.bulk_create(clinics)
    return len(municipalities), len(clinics)
