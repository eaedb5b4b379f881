"""The administrator's figures per municipality and the employer's own figures: no count
under 5 and none that the totals give away, in the page or the CSV; no health data."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fasttrack.cases import actions
from fasttrack.cases.models import FastTrackCase
from fasttrack.people.demo import DemoWorld
from tests.reports.dataset import ANSWERS, DIAGNOSIS, Builder, at
from tests.reports.disclosure import disclosed

OCTOBER = "period=2026-10"
MEASURED_ON = date(2026, 11, 18)


@pytest.fixture
def october(demo_world: DemoWorld, time_machine: Any) -> dict[str, list[FastTrackCase]]:
    """København: 6 employer requests and 3 registered by the caseworker (the 1–4
    category); Frederiksberg: 5 and 7. Of the 11 employer requests 6 are accepted,
    3 declined and 2 never answered; one accepted case has a certificate."""
    b = Builder(demo_world, time_machine)
    day = date(2026, 10, 5)
    made: dict[str, list[FastTrackCase]] = {"101": [], "147": []}
    plan = [("101", "hr", 6), ("101", "sagsbehandler", 3), ("147", "hr", 5)]
    plan += [("147", "anden-sagsbehandler", 7)]
    for municipality, by, count in plan:
        for n in range(count):
            person = b.person(f"Person {municipality} {by} {n}", municipality)
            made[municipality].append(
                b.request(person, by=by, absent_since=day - timedelta(days=7), on=day)
            )
    employer_cases = [c for cases in made.values() for c in cases if c.requested_by == "employer"]
    b.on(day + timedelta(days=1))
    for number, case in enumerate(employer_cases[:9]):
        caseworker = b.user(
            "sagsbehandler" if case.municipality.code == "101" else "anden-sagsbehandler"
        )
        if number < 6:
            actions.accept(case=case, actor=caseworker, answers=ANSWERS, on=day + timedelta(days=1))
        else:
            actions.decline(case=case, actor=caseworker, on=day + timedelta(days=1))
    b.certificate(
        employer_cases[0], asked=day + timedelta(days=2), received=day + timedelta(days=9)
    )
    b.sweep([c for cases in made.values() for c in cases], on=MEASURED_ON)
    time_machine.move_to(at(MEASURED_ON), tick=False)
    return made


_TABLE = re.compile(r'<table[^>]*data-table="(?P<key>[^"]+)">(?P<body>.*?)</table>', re.S)
_ROW = re.compile(r'<tr data-row="(?P<key>[^"]*)"[^>]*>(?P<cells>.*?)</tr>', re.S)
_CELL = re.compile(r"<td (?P<attrs>[^>]*)>")


def _page_tables(html: str) -> dict[str, dict[str, list[int | float | None]]]:
    """Each table's rows as the page shows them: None for a suppressed count."""
    tables = {}
    for table in _TABLE.finditer(html):
        rows = {}
        for row in _ROW.finditer(table["body"]):
            values: list[int | float | None] = []
            for cell in _CELL.finditer(row["cells"]):
                found = re.search(r'data-value="([^"]+)"', cell["attrs"])
                values.append(float(found[1]) if found else None)
            rows[row["key"]] = values
        tables[table["key"]] = rows
    return tables


def _csv_sections(body: bytes) -> dict[str, list[list[str]]]:
    assert body.startswith("\ufeff".encode())
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in body.decode("utf-8-sig").split("\r\n")[3:]:
        if not line:
            current = None
        elif current is None:
            current = sections.setdefault(line.strip('"'), [])
        else:
            current.append(line.split(";"))
    return sections


def _counts(rows: list[list[int | float | None]], width: int) -> list[list[int | None]]:
    return [[None if v is None else int(v) for v in row[:width]] for row in rows]


def _check(grid: list[list[int | None]], **flags: bool) -> None:
    assert all(v is None or v >= 5 for row in grid for v in row), grid
    assert disclosed(grid, **flags) == [], grid


def test_the_administrator_sees_no_small_count_nor_one_the_totals_give_away(
    october: dict[str, list[FastTrackCase]],
    administrator: User,
    login: Callable[[User], Client],
) -> None:
    client = login(administrator)
    page = client.get(f"/statistik/?{OCTOBER}")
    html = page.content.decode()

    assert page.status_code == 200
    tables = _page_tables(html)
    requests = tables["requests"]
    # 101's three requests registered by the caseworker are hidden.
    assert requests["101"][2] is None
    for key, table in tables.items():
        counts = [row for row in table.values()]
        # Count columns: all but the share column some tables end with.
        width = len(counts[0]) - (1 if key != "requests" and key != "outcomes" else 0)
        _check(_counts(counts, width))
    # Per municipality only: no case, no person.
    assert "Person 101" not in html
    assert "/sager/" not in html

    csv = client.get(f"/statistik/statistik.csv?{OCTOBER}")
    sections = _csv_sections(csv.content)
    rows = sections["Anmodninger i perioden, fordelt på hvem der anmodede"][1:]
    grid = [[None if v == "<5" else int(v) for v in row[1:]] for row in rows]
    assert grid[[row[0] for row in rows].index("101 København")][2] is None
    _check(grid)
    for caption, lines in sections.items():
        for line in lines[1:]:
            numbers = [v for v in line[1:] if v not in ("<5", "–") and "," not in v]
            assert all(int(v) >= 5 for v in numbers if v.isdigit()), (caption, line)


def test_the_employer_sees_no_figure_about_fewer_than_5_employees_and_no_health_data(
    october: dict[str, list[FastTrackCase]],
    login: Callable[[User], Client],
) -> None:
    hr = User.objects.get(username="hr")
    client = login(hr)
    page = client.get(f"/arbejdsgiver/statistik/?{OCTOBER}")
    html = page.content.decode()

    assert page.status_code == 200
    tables = _page_tables(html)
    assert tables["requests"]["requests"] == [11]
    consent = tables["consent"]
    # 6 accepted; the 3 declined and 2 unanswered are hidden, with their total kept.
    assert consent["accepted"][0] == 6
    assert consent["declined"][0] is None and consent["unanswered"][0] is None
    _check(
        _counts([consent[k] for k in ("accepted", "declined", "unanswered", "total")], 1),
        rows_add_up=False,
        columns_add_up=True,
    )
    for table in tables.values():
        for row in table.values():
            assert all(v is None or v >= 5 for v in row[:1])
    csv = client.get(f"/arbejdsgiver/statistik/statistik.csv?{OCTOBER}").content.decode("utf-8-sig")
    for text in (html, csv):
        assert DIAGNOSIS not in text
        assert "Kan arbejde let" not in text
