"""Reading a payroll file of requests (the format the upload page and the API share)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from fasttrack.cases import batch

HEADER = "employee_cpr;first_absence_day;expects_over_8_weeks"


def _read(text: str, *, bom: bool = False) -> list[batch.BatchRow]:
    return batch.read_csv((("\ufeff" if bom else "") + text).encode())


def _refusal(data: bytes) -> list[str]:
    with translation.override("en"), pytest.raises(batch.FileError) as refused:
        batch.read_csv(data)
    return refused.value.messages


@pytest.mark.parametrize("separator", [";", ","])
def test_it_finds_the_separator_from_the_header_row(separator: str) -> None:
    header = HEADER.replace(";", separator) + separator + "affected_functions"
    (row,) = _read(f"{header}\r\n1203814562{separator}2026-11-16{separator}ja{separator}Løft\r\n")

    assert row.employee_cpr == "1203814562"
    assert row.first_absence_day == date(2026, 11, 16)
    assert row.answers["affected_functions"] == "Løft"
    assert row.errors == {}


def test_it_drops_the_bom_excel_writes_and_reads_quoted_separators() -> None:
    (row,) = _read(
        f'{HEADER};adjustments_tried\r\n120381-4562;16-11-2026;ja;"Ja; kortere vagter"\r\n',
        bom=True,
    )

    assert row.employee_cpr == "120381-4562"
    assert row.answers["adjustments_tried"] == "Ja; kortere vagter"


@pytest.mark.parametrize("text", ["2026-11-16", "16-11-2026", "16.11.2026", "16/11/2026"])
def test_it_reads_iso_and_danish_dates(text: str) -> None:
    (row,) = _read(f"{HEADER}\n1203814562;{text};ja\n")

    assert row.first_absence_day == date(2026, 11, 16)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ja", True), ("JA", True), ("true", True), ("1", True), ("nej", False), ("0", False)],
)
def test_it_reads_yes_and_no_in_danish_and_english(text: str, expected: bool) -> None:
    (row,) = _read(f"{HEADER}\n1203814562;2026-11-16;{text}\n")

    assert row.expects_over_8_weeks is expected


def test_it_keeps_a_rows_errors_per_field_and_reads_the_next_row() -> None:
    with translation.override("en"):
        bad, good = _read(f"{HEADER}\n1203814562;31-02-2026;måske\n0507762213;2026-11-16;ja\n")

    assert bad.errors == {
        "first_absence_day": ["Enter a date as YYYY-MM-DD or DD-MM-YYYY."],
        "expects_over_8_weeks": ["Enter ja or nej (or true or false)."],
    }
    assert bad.line == 2
    assert (good.index, good.line, good.errors) == (1, 3, {})


def test_it_skips_empty_rows_but_counts_them_in_the_row_numbers() -> None:
    rows = _read(f"{HEADER}\n;;\n1203814562;2026-11-16;ja\n\n;;\n")

    assert [(row.index, row.line) for row in rows] == [(0, 3)]


def test_a_row_with_more_values_than_columns_is_an_error_of_the_row() -> None:
    (row,) = _read(f"{HEADER}\n1203814562;2026-11-16;ja;surplus\n")

    assert list(row.errors) == [batch.REQUEST_KEY]


def test_it_names_unknown_missing_and_repeated_columns() -> None:
    messages = _refusal(b"CPR;first_absence_day;first_absence_day\n1203814562;x;y\n")

    assert messages == [
        "Unknown columns: cpr. The columns are: " + ", ".join(batch.COLUMNS) + ".",
        "Missing columns: employee_cpr, expects_over_8_weeks.",
        "These columns appear more than once: first_absence_day.",
    ]


def test_it_refuses_more_rows_than_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "MAX_ROWS", 2)
    rows = "1203814562;2026-11-16;ja\n" * 3

    assert _refusal(f"{HEADER}\n{rows}".encode()) == [
        "Send at most 2 requests at a time. Split the file."
    ]
    assert len(_read(f"{HEADER}\n{rows[: len(rows) * 2 // 3]}")) == 2


def test_it_refuses_a_file_larger_than_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = f"{HEADER}\n1203814562;2026-11-16;ja\n".encode()
    monkeypatch.setattr(batch, "MAX_FILE_BYTES", len(data) - 1)

    assert len(_refusal(data)) == 1


@pytest.mark.parametrize(
    ("data", "start"),
    [
        (f"{HEADER}\nJørgen;2026-11-16;ja\n".encode("cp1252"), "The file is not saved as UTF-8"),
        (b"", "The file is empty"),
        (b";;\n", "The file is empty"),
        (f"{HEADER}\n;;\n".encode(), "The file has no requests"),
        (f'{HEADER}\n1203814562;2026-11-16;ja\n"12"3;x;y\n'.encode(), "Row 3 "),
        (f'{HEADER}\n"1203814562;2026-11-16;ja\n'.encode(), "Row "),
    ],
)
def test_it_says_why_a_file_cannot_be_read(data: bytes, start: str) -> None:
    (message,) = _refusal(data)

    assert message.startswith(start)


def test_the_sample_files_can_be_read() -> None:
    sample = batch.sample_csv(date(2026, 11, 24))
    documented = (Path(__file__).parents[2] / "docs/examples/requests.csv").read_bytes()

    for data in (sample, documented):
        rows = batch.read_csv(data)
        assert rows
        assert all(row.errors == {} for row in rows)
    assert sample.startswith("\ufeff".encode())
    assert batch.read_csv(sample)[0].first_absence_day == date(2026, 11, 21)
