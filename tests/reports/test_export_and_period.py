"""The CSV export opens in Danish Excel as it is and never runs a formula; the period
comes from the address and a bad one is refused in Danish."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from fasttrack.cases.access import cases_for
from fasttrack.cases.models import FastTrackCase
from fasttrack.reports.dashboards import jobcentre_dashboard
from fasttrack.reports.export import neutralise
from fasttrack.reports.periods import Period, PeriodError, parse_period
from fasttrack.reports.tables import Cell, decimal_comma
from tests.conftest import Personas
from tests.web.case.conftest import TODAY


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'),
        ("+45 1234", '"\'+45 1234"'),
        ("-2+3", '"\'-2+3"'),
        ("@SUM(A1)", '"\'@SUM(A1)"'),
        ("Sofie Bech", "Sofie Bech"),
        ("Uge 49; første", '"Uge 49; første"'),
    ],
)
def test_it_disarms_formulas_and_quotes_what_must_be_quoted(text: str, field: str) -> None:
    assert neutralise(text) == field


def test_it_writes_numbers_with_a_decimal_comma() -> None:
    assert decimal_comma(66.66666) == "66,7"
    assert decimal_comma(12.5) == "12,5"
    assert decimal_comma(15.0) == "15"
    assert Cell(3, suppressed=True).text() == "<5"
    assert Cell(None).text() == "–"


def test_the_csv_is_utf8_with_bom_semicolons_and_a_disarmed_name(
    login: Callable[[User], Client],
    personas: Personas,
    demo_cases: dict[str, FastTrackCase],
) -> None:
    caseworker = personas.sagsbehandler
    caseworker.first_name, caseworker.last_name = "=cmd|' /C calc'!A0", ""
    caseworker.save()

    response = login(personas.jobcenterchef).get(
        "/jobcenter/statistik/statistik.csv?period=2026-11"
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="fasttrack-statistik-2026-11-01-2026-11-30.csv"'
        in response["Content-Disposition"]
    )
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Statistik for Fast track, Jobcenter København"
    assert lines[1] == "Periode;2026-11-01;2026-11-30"
    assert "Milepæl;Overholdt;For sent;Ikke nået;Endnu ikke forfalden;" in text
    # The name that would run a command in Excel is text, not a formula.
    assert "\"'=cmd|' /C calc'!A0\";" in text
    assert not any(line.startswith(("=", "+", "-", "@")) for line in lines)
    for line in lines:
        for field in line.split(";"):
            assert not field.startswith(("=", "+", "@")), line


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("2026-K4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_it_reads_a_month_a_quarter_and_a_year(code: str, start: date, end: date) -> None:
    period = parse_period(code)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("code", ["2026-13", "2026-K5", "26", "2026-1", "nu"])
def test_it_refuses_a_period_it_cannot_read(code: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(code)


def test_it_refuses_a_period_that_ends_before_it_starts_or_is_too_long() -> None:
    with pytest.raises(PeriodError):
        Period(date(2026, 5, 1), date(2026, 4, 30))
    with pytest.raises(PeriodError):
        Period(date(2020, 1, 1), date(2026, 1, 1))


def test_a_bad_period_answers_400_with_the_error_in_danish_at_its_field(
    login: Callable[[User], Client],
    personas: Personas,
    demo_cases: dict[str, FastTrackCase],
) -> None:
    client = login(personas.jobcenterchef)

    backwards = client.get("/jobcenter/statistik/?start=2026-11-10&end=2026-11-01")
    half = client.get("/jobcenter/statistik/?start=2026-11-10")
    unreadable = client.get("/jobcenter/statistik/?period=2026-13")

    with translation.override("da"):
        assert backwards.status_code == 400
        assert "Perioden skal slutte samme dag som den begynder eller senere." in (
            backwards.content.decode()
        )
        assert half.status_code == 400
        assert "Angiv både periodens første og sidste dag." in half.content.decode()
        assert 'id="id_end-error"' in half.content.decode()
        assert unreadable.status_code == 400
        assert 'id="id_period-error"' in unreadable.content.decode()
    # What the user typed is kept.
    assert 'value="2026-11-10"' in backwards.content.decode()


def test_a_from_to_period_is_shown_and_kept_in_the_export_link(
    login: Callable[[User], Client],
    personas: Personas,
    demo_cases: dict[str, FastTrackCase],
) -> None:
    page = login(personas.jobcenterchef).get(
        "/jobcenter/statistik/?start=2026-10-15&end=2026-11-18"
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-start="2026-10-15" data-end="2026-11-18"' in html
    assert "statistik.csv?start=2026-10-15&amp;end=2026-11-18" in html


def test_the_figures_take_one_query_per_figure_group_however_many_cases(
    personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    chef = personas.jobcenterchef
    period = Period(date(2026, 10, 1), TODAY)
    with CaptureQueriesContext(connection) as queries:
        dashboard = jobcentre_dashboard(chef, cases_for(chef), period, TODAY)

    assert dashboard.table("requests").rows[-1].cells[-1].value == 5
    # Requests, milestones with the consent answers, outcomes: one each;
    # workload: the caseworkers and their loads. Aggregation happens in SQL,
    # so the count does not grow with the cases.
    assert len(queries.captured_queries) == 5, [q["sql"][:80] for q in queries.captured_queries]


def test_the_export_refuses_a_bad_period_instead_of_exporting_another(
    login: Callable[[User], Client],
    personas: Personas,
    demo_cases: dict[str, FastTrackCase],
) -> None:
    response = login(personas.hr).get("/arbejdsgiver/statistik/statistik.csv?period=2026-K7")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Angiv en måned (2026-11)" in response.content.decode()
