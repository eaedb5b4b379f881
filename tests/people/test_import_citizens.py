"""``fasttrack import_citizens``: a register extract, whole or not at all (R-36)."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fasttrack.people.models import Person
from fasttrack.people.register import LocalRegister

pytestmark = pytest.mark.django_db

GOOD = (
    "cpr;name;address;municipality_code;clinic_number\n"
    "0101010000;Kim Ukendt;Vej 1, 8000 Aarhus C;751;\n"
    "0202020000;Maja Ny;Vej 2, 9000 Aalborg;851;012345\n"
)


def _run(tmp_path: Path, text: str) -> tuple[str, str]:
    path = tmp_path / "citizens.csv"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_citizens", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_loads_the_extract_into_the_local_register(tmp_path: Path) -> None:
    out, _ = _run(tmp_path, GOOD)
    assert "2" in out
    entry = LocalRegister().lookup("0202020000")
    assert entry is not None
    assert (entry.name, entry.municipality_code, entry.clinic_number) == (
        "Maja Ny",
        "851",
        "012345",
    )


def test_it_reads_commas_and_updates_who_is_already_there(tmp_path: Path) -> None:
    _run(tmp_path, GOOD)
    _run(tmp_path, "cpr,navn,adresse,kommunekode\n0101010000,Kim Ukendt-Hansen,Ny vej 3,101\n")
    person = Person.objects.with_cpr("0101010000").get()
    assert (person.name, person.municipality.code) == ("Kim Ukendt-Hansen", "101")
    assert Person.objects.with_cpr("0101010000").count() == 1


def test_it_rejects_bad_rows_with_line_and_field_and_imports_nothing(tmp_path: Path) -> None:
    before = Person.objects.count()
    text = GOOD + "3213130000;Forkert Dato;Vej;101;\n;;Vej;999;777\n0101010000;Igen;Vej;101;\n"
    path = tmp_path / "citizens.csv"
    path.write_text(text, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match=r"nothing was imported|intet blev importeret"):
        call_command("import_citizens", str(path), stdout=StringIO(), stderr=err)
    assert Person.objects.count() == before
    # One line of the report per bad field, each naming the file's line and the column.
    reported = err.getvalue().splitlines()
    assert len(reported) == 6
    for line, column in [
        (4, "cpr"),
        (5, "cpr"),
        (5, "name"),
        (5, "municipality_code"),
        (5, "clinic_number"),
        (6, "cpr"),
    ]:
        assert any(re.match(rf"\w+ {line}, {column}: \S", entry) for entry in reported), (
            line,
            column,
            reported,
        )
    assert "3213130000" not in err.getvalue()


def test_the_errors_name_line_and_column(tmp_path: Path) -> None:
    from fasttrack.people.citizen_import import read_citizens

    text = GOOD + "3213130000;Forkert Dato;Vej;101;\n;;Vej;999;777\n0101010000;Igen;Vej;101;\n"
    errors = {(e.line, e.column) for e in read_citizens(text).errors}
    assert errors == {
        (4, "cpr"),
        (5, "cpr"),
        (5, "name"),
        (5, "municipality_code"),
        (5, "clinic_number"),
        (6, "cpr"),
    }
    assert all("3213130000" not in e.message for e in read_citizens(text).errors)


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    from fasttrack.people.citizen_import import read_citizens

    errors = read_citizens("cpr;name\n0101010000;Kim\n").errors
    assert [(e.line, e.column) for e in errors] == [(1, "municipality_code")]
