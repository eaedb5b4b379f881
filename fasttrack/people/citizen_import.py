"""Reading a municipality's register extract for ``fasttrack import_citizens``.

A CSV file in UTF-8, separated by ``;`` or ``,``, with a header row naming
the columns: ``cpr``, ``name``, ``address``, ``municipality_code`` and,
optionally, ``clinic_number`` (Danish headers ``navn``, ``adresse``,
``kommunekode``, ``ydernummer`` are read too). Every row is checked, and
every error reported with its line and column, before anything is saved:
the file is imported whole or not at all.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fasttrack.people.crypto import cpr_lookup_hash, encrypt_cpr
from fasttrack.people.models import Clinic, Municipality, Person
from fasttrack.people.validators import clean_cpr

COLUMNS = ("cpr", "name", "address", "municipality_code", "clinic_number")
REQUIRED = ("cpr", "name", "municipality_code")
ALIASES = {
    "cpr": "cpr",
    "cpr_nummer": "cpr",
    "cpr-nummer": "cpr",
    "name": "name",
    "navn": "name",
    "address": "address",
    "adresse": "address",
    "municipality_code": "municipality_code",
    "kommunekode": "municipality_code",
    "clinic_number": "clinic_number",
    "ydernummer": "clinic_number",
}
MAX_LENGTH = {"name": 200, "address": 300}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)d, %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class CitizenRow:
    line: int
    cpr: str
    name: str
    address: str
    municipality: Municipality
    clinic: Clinic | None


@dataclass
class ImportResult:
    rows: list[CitizenRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0


def _header(names: list[str]) -> tuple[dict[str, int], list[RowError]]:
    columns: dict[str, int] = {}
    errors = []
    for index, raw in enumerate(names):
        key = ALIASES.get(raw.strip().lower().replace(" ", "_"))
        if key is None:
            errors.append(RowError(1, raw, _("Unknown column.")))
        elif key in columns:
            errors.append(RowError(1, raw, _("The column appears twice.")))
        else:
            columns[key] = index
    for key in REQUIRED:
        if key not in columns:
            errors.append(RowError(1, key, _("This column is missing.")))
    return columns, errors


def read_citizens(text: str) -> ImportResult:
    """Every row of the file checked; ``errors`` empty when all are good."""
    result = ImportResult()
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        result.errors.append(RowError(1, "-", _("The file is empty.")))
        return result
    columns, result.errors = _header(header)
    if result.errors:
        return result
    municipalities = {m.code: m for m in Municipality.objects.all()}
    clinics = {c.provider_number: c for c in Clinic.objects.exclude(provider_number="")}
    seen: dict[str, int] = {}
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            message = _("The row has %(found)d fields; the header has %(expected)d.") % {
                "found": len(values),
                "expected": len(header),
            }
            result.errors.append(RowError(line, "-", message))
            continue
        raw = {key: values[index].strip() for key, index in columns.items()}
        row = _check_row(line, raw, municipalities, clinics, seen, result.errors)
        if row is not None:
            result.rows.append(row)
    return result


def _check_row(
    line: int,
    raw: dict[str, str],
    municipalities: dict[str, Municipality],
    clinics: dict[str, Clinic],
    seen: dict[str, int],
    errors: list[RowError],
) -> CitizenRow | None:
    before = len(errors)
    cpr = ""
    try:
        cpr = clean_cpr(raw["cpr"])
    except ValidationError as error:
        errors.append(RowError(line, "cpr", " ".join(error.messages)))
    if cpr and cpr in seen:
        message = _("The same CPR number is on line %(line)d.") % {"line": seen[cpr]}
        errors.append(RowError(line, "cpr", message))
    elif cpr:
        seen[cpr] = line
    for column in ("name", "address"):
        value = raw.get(column, "")
        if column == "name" and not value:
            errors.append(RowError(line, column, _("This field is required.")))
        if len(value) > MAX_LENGTH[column]:
            message = _("At most %(max)d characters.") % {"max": MAX_LENGTH[column]}
            errors.append(RowError(line, column, message))
    municipality = municipalities.get(raw["municipality_code"])
    if municipality is None:
        message = _("No municipality has the code “%(code)s”.") % {
            "code": raw["municipality_code"][:10]
        }
        errors.append(RowError(line, "municipality_code", message))
    clinic_number = raw.get("clinic_number", "")
    clinic = clinics.get(clinic_number) if clinic_number else None
    if clinic_number and clinic is None:
        message = _("No clinic has the number “%(number)s”.") % {"number": clinic_number[:10]}
        errors.append(RowError(line, "clinic_number", message))
    if len(errors) > before:
        return None
    assert municipality is not None
    return CitizenRow(line, cpr, raw["name"], raw.get("address", ""), municipality, clinic)


@transaction.atomic
def save_citizens(result: ImportResult) -> ImportResult:
    """Create or update every row's person: the register extract is what counts."""
    assert not result.errors
    by_hash = {cpr_lookup_hash(row.cpr): row for row in result.rows}
    existing: dict[str, Person] = {}
    hashes = list(by_hash)
    for start in range(0, len(hashes), 1000):
        for person in Person.objects.filter(cpr_hash__in=hashes[start : start + 1000]):
            existing[person.cpr_hash] = person
    new: list[Person] = []
    changed: list[Person] = []
    for cpr_hash, row in by_hash.items():
        found = existing.get(cpr_hash)
        clinic_id = row.clinic.pk if row.clinic else None
        if found is None:
            person = Person(cpr_hash=cpr_hash, cpr_ciphertext=encrypt_cpr(row.cpr))
            new.append(person)
        else:
            person = found
            same = (
                person.name == row.name
                and person.address == row.address
                and person.municipality_id == row.municipality.pk
                and (clinic_id is None or person.clinic_id == clinic_id)
                and person.identity_confirmed
            )
            if same:
                continue
            changed.append(person)
        person.name = row.name
        person.address = row.address
        person.municipality = row.municipality
        person.clinic = row.clinic or person.clinic
        person.identity_confirmed = True
    Person.objects.bulk_create(new, batch_size=1000)
    # One plain UPDATE per changed person: bulk_update's CASE expressions over
    # thousands of rows took ten times longer on both databases.
    for person in changed:
        Person.objects.filter(pk=person.pk).update(
            name=person.name,
            address=person.address,
            municipality_id=person.municipality_id,
            clinic_id=person.clinic_id,
            identity_confirmed=True,
        )
    result.created, result.updated = len(new), len(changed)
    return result
