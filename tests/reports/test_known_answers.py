"""Every figure of the jobcentre's statistics against a constructed set of cases with
known answers (tests/reports/dataset.py): a period boundary, Easter's banking days
and cases that change state inside the period."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from fasttrack.cases.access import cases_for
from fasttrack.reports.dashboards import Dashboard, jobcentre_dashboard
from fasttrack.reports.periods import Period, month
from tests.conftest import Personas
from tests.reports.dataset import MEASURED_ON, Dataset


def _dashboard(personas: Personas, period: Period) -> Dashboard:
    chef = personas.jobcenterchef
    return jobcentre_dashboard(chef, cases_for(chef), period, MEASURED_ON)


def _values(dashboard: Dashboard, table: str) -> dict[str, list[Any]]:
    return {row.key: [cell.value for cell in row.cells] for row in dashboard.table(table).rows}


def test_it_counts_the_requests_made_in_the_period_per_week_and_by_whom(
    dataset: Dataset, personas: Personas
) -> None:
    values = _values(_dashboard(personas, month(2026, 4)), "requests")

    # Columns: employer, employee, caseworker, all. B (30 March) and the
    # Frederiksberg case are not counted; D (29 April) is.
    assert values == {
        "2026-03-30": [1, 0, 1, 2],  # A and E; the week is cut at 1 April
        "2026-04-06": [0, 0, 0, 0],
        "2026-04-13": [0, 1, 0, 1],  # F, Janni's own request
        "2026-04-20": [0, 0, 0, 0],
        "2026-04-27": [2, 0, 0, 2],  # C and D
        "total": [3, 1, 1, 5],
    }


def test_it_measures_each_milestone_due_in_the_period(dataset: Dataset, personas: Personas) -> None:
    values = _values(_dashboard(personas, month(2026, 4)), "milestones")

    # Columns: in time, late, not reached, not yet due, due, share in time.
    # Consent: A answered 7 April, in time only because Easter moves the
    # deadline to 8 April; B declined in time; C never answered.
    assert values["employee_consent"] == [2, 0, 1, 0, 3, 66.7]
    # E received after 10 days, in time; F after 15 days, after its deadline.
    assert values["medical_certificate"] == [1, 1, 0, 0, 2, 50.0]
    # F in time, E 4 days late, A never held; B is on the normal track.
    assert values["first_followup_conversation"] == [1, 1, 1, 0, 3, 33.3]
    # A's target of 25 April; E's no longer applied once E closed on its day.
    assert values["retention_meeting"] == [0, 0, 1, 0, 1, 0.0]


def test_it_gives_the_consent_rate(dataset: Dataset, personas: Personas) -> None:
    values = _values(_dashboard(personas, month(2026, 4)), "consent")

    assert values == {
        "accepted": [1, 33.3],
        "declined": [1, 33.3],
        "unanswered": [1, 33.3],
        "total": [3, None],
    }


def test_it_shows_how_late_the_late_first_conversations_were(
    dataset: Dataset, personas: Personas
) -> None:
    values = _values(_dashboard(personas, month(2026, 4)), "first_conversation")

    assert values == {
        "": [1],
        "late_1_3": [0],
        "late_4_7": [1],
        "late_8_14": [0],
        "late_15": [0],
        "not_reached": [1],
    }


def test_it_gives_the_median_and_90th_percentile_days_to_the_certificate(
    dataset: Dataset, personas: Personas
) -> None:
    dashboard = _dashboard(personas, month(2026, 4))

    assert _values(dashboard, "certificate") == {
        "received": [2],
        "median": [12.5],
        "p90": [15],
        "in_time_share": [50.0],
    }
    assert _values(dashboard, "certificate_days") == {
        "days_0_7": [0],
        "days_8_10": [1],
        "days_11_14": [0],
        "days_15_21": [1],
        "days_22": [0],
    }


def test_it_counts_the_outcomes_of_the_cases_closed_in_the_period(
    dataset: Dataset, personas: Personas
) -> None:
    values = _values(_dashboard(personas, month(2026, 4)), "outcomes")

    # G (active since March) and E closed in April; H on 31 March is not counted.
    # Weeks from the first absence day: G 58 days, E 31 days.
    assert values["back_part_time"] == [1, 50.0, 8.3]
    assert values["back_full_time"] == [1, 50.0, 4.4]
    assert values["other_job"] == [0, 0.0, None]
    assert values["total"] == [2, None, None]


def test_it_moves_the_figures_with_the_period(dataset: Dataset, personas: Personas) -> None:
    march = _dashboard(personas, month(2026, 3))
    from_to = _dashboard(personas, Period(date(2026, 3, 30), date(2026, 4, 1)))

    assert _values(march, "outcomes")["back_full_time"][0] == 1  # H, 31 March
    assert _values(march, "requests")["total"] == [1, 0, 1, 2]  # B and G
    assert _values(from_to, "requests")["total"] == [2, 0, 0, 2]  # B and A
    assert _values(from_to, "consent")["total"] == [1, None]  # B's deadline, 1 April


_ROW = re.compile(r'<tr data-case="(\d+)"')


def test_every_figure_links_to_the_worklist_of_exactly_its_cases(
    dataset: Dataset,
    personas: Personas,
    login: Callable[[User], Client],
) -> None:
    client = login(personas.jobcenterchef)
    page = client.get("/jobcenter/statistik/?period=2026-04")
    assert page.status_code == 200
    links = re.findall(r'data-value="([\d.]+)"><a href="([^"]+)">', page.content.decode())
    assert len(links) > 40
    seen: set[str] = set()
    for value, link in links:
        listed = client.get(link.replace("&amp;", "&"))
        assert listed.status_code == 200
        cases = _ROW.findall(listed.content.decode())
        assert len(cases) == int(float(value)), link
        seen.update(cases)
    # Every case of København is behind some April figure but H, closed in March;
    # Frederiksberg's never.
    kobenhavn = {str(case.pk) for key, case in dataset.cases.items() if key not in "HK"}
    assert seen == kobenhavn


def test_the_worklist_says_which_figure_it_shows(
    dataset: Dataset, personas: Personas, login: Callable[[User], Client]
) -> None:
    page = login(personas.jobcenterchef).get(
        "/jobcenter/?assignee=all&figure=outcome:back_part_time&start=2026-04-01&end=2026-04-30"
    )

    text = page.content.decode()
    assert 'id="worklist-figure"' in text
    assert _ROW.findall(text) == [str(dataset.cases["G"].pk)]
