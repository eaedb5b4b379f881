"""Two versions of the plan side by side (R-20), written as the page writes the rest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import translation

from fasttrack.plans.compare import compare
from fasttrack.plans.models import PlanVersion


def _version(hours: str, evaluate_on: date, due_on: str, *measures: str) -> PlanVersion:
    return PlanVersion(
        summary="Delvis sygemelding.",
        partial_leave_hours_per_week=Decimal(hours),
        evaluate_on=evaluate_on,
        measures=[
            {"kind": "treatment", "description": text, "owner": "Janni", "due_on": due_on}
            for text in measures
        ],
    )


OLD = _version("22.0", date(2026, 7, 21), "2026-06-25", "Fysioterapi", "Kursus")
NEW = _version("7.0", date(2026, 8, 20), "2026-08-10", "Fysioterapi")


def _rows(language: str) -> list[tuple[str, str, str, bool]]:
    with translation.override(language):
        return [(str(c.label), c.old, c.new, c.changed) for c in compare(OLD, NEW)]


def test_it_writes_dates_and_hours_in_danish_as_the_rest_of_the_page():
    rows = _rows("da")

    assert rows[1][1:] == ("22,0", "7,0", True)
    assert rows[2][1:] == ("21. juli 2026", "20. august 2026", True)
    assert rows[3][1:3] == (
        "Behandling: Fysioterapi – Janni – 25. juni 2026",
        "Behandling: Fysioterapi – Janni – 10. august 2026",
    )
    # A measure only the old version has is a dash in the new one.
    assert rows[4][2:] == ("–", True)
    assert rows[0][3] is False


def test_it_writes_them_in_english_for_an_english_reader():
    rows = _rows("en")

    assert rows[1][1:3] == ("22.0", "7.0")
    assert rows[2][1:3] == ("21 July 2026", "20 August 2026")
    assert rows[3][2].endswith("– 10 August 2026")
