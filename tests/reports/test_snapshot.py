"""The figures across municipalities from the tallies counted ahead (reports.snapshot):
the same counts as counting the cases, for any period, as of the time they were
counted; and the worker and the command keep them fresh."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fasttrack.cases.models import FastTrackCase
from fasttrack.people.demo import DemoWorld
from fasttrack.reports import figures as f
from fasttrack.reports import snapshot
from fasttrack.reports.models import Grain, Snapshot, Tally
from fasttrack.reports.periods import Period, month, year
from tests.hypothesis_profiles import examples_at
from tests.reports.dataset import MEASURED_ON, Dataset, at

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def _counted_from_the_cases(period: Period, today: date) -> tuple[Any, Any, Any]:
    scope = FastTrackCase.objects.all()
    return (
        f.request_figures(scope, period, by_municipality=True, detailed=False),
        f.milestone_figures(scope, period, today, by_municipality=True, detailed=False),
        f.outcome_figures(scope, period, by_municipality=True, detailed=False),
    )


def _as_plain(figures: dict[int, Any]) -> dict[int, Any]:
    """Per municipality, without the empty figures a defaultdict leaves behind."""
    return {where: value for where, value in figures.items() if value}


def _assert_same_as_the_cases(period: Period) -> None:
    counted = snapshot.current()
    assert counted.counted_on is not None
    ahead = snapshot.NationalFigures(period, counted)
    requests, milestones, outcomes = _counted_from_the_cases(period, counted.counted_on)
    assert dict(ahead.requests) == dict(requests)
    assert {w: dict(by_key) for w, by_key in ahead.milestones.items()} == {
        w: dict(by_key) for w, by_key in milestones.items()
    }
    assert dict(ahead.outcomes) == dict(outcomes)


# --- the split of a period into whole months and days ----------------------------------


def test_a_period_is_read_by_its_whole_months_and_the_days_at_its_edges() -> None:
    period = Period(date(2026, 3, 15), date(2026, 6, 30))

    months, days = snapshot.split(period, counted_on=date(2026, 5, 20))

    # May, the month the tallies were counted in, is read by its days: its
    # pending milestones are "not reached" before the 20th and "not yet due" after.
    assert months == [date(2026, 4, 1), date(2026, 6, 1)]
    assert days == [(date(2026, 3, 15), date(2026, 3, 31)), (date(2026, 5, 1), date(2026, 5, 31))]


@given(
    start=st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    length=st.integers(0, 3 * 366 - 1),
    counted_on=st.dates(date(2025, 1, 1), date(2029, 12, 31)),
)
def test_the_split_covers_every_day_of_the_period_once(
    start: date, length: int, counted_on: date
) -> None:
    period = Period(start, start + timedelta(days=length))

    months, days = snapshot.split(period, counted_on)

    covered: list[date] = []
    for first in months:
        assert first.day == 1
        assert (first.year, first.month) != (counted_on.year, counted_on.month)
        day = first
        while day.month == first.month:
            covered.append(day)
            day += timedelta(days=1)
    for first, last in days:
        covered += [first + timedelta(days=n) for n in range((last - first).days + 1)]
    assert sorted(covered) == [start + timedelta(days=n) for n in range(length + 1)]


# --- the same figures as counting the cases ---------------------------------------------


def test_a_month_quarter_and_year_count_as_the_cases_do(dataset: Dataset) -> None:
    snapshot.refresh()

    for period in (month(2026, 3), month(2026, 4), month(2026, 5), year(2026)):
        _assert_same_as_the_cases(period)
    # Whole months (April) with days at both edges, and the month counted in (May).
    _assert_same_as_the_cases(Period(date(2026, 3, 15), date(2026, 5, 25)))


def test_the_tallies_hold_what_the_known_answers_say(
    dataset: Dataset, demo_world: DemoWorld
) -> None:
    snapshot.refresh()

    april = snapshot.NationalFigures(month(2026, 4), snapshot.current())
    copenhagen = demo_world.municipalities["101"].pk
    frederiksberg = demo_world.municipalities["147"].pk

    # tests/reports/dataset.py: A, C, D by the employer, F by Janni, E by the caseworker.
    assert {k: t.cases for k, t in april.requests[copenhagen].by_requester.items()} == {
        "employer": 3,
        "employee": 1,
        "caseworker": 1,
    }
    assert april.requests[frederiksberg].total.cases == 1
    # E back full time and G back part time, both closed in April.
    assert {k: t.cases for k, t in april.outcomes[copenhagen].by_outcome.items()} == {
        "back_full_time": 1,
        "back_part_time": 1,
    }
    consent = april.milestones[copenhagen]["employee_consent"]
    # A accepted in time, C never answered (D's consent is due in May; B's on 1 April).
    assert {k: t.cases for k, t in consent.answers.items()} == {
        "accepted": 1,
        "declined": 1,
        "unanswered": 1,
    }


@pytest.mark.django_db
# Each example counts the tallies again: a fifth of the profile's examples.
@settings(
    max_examples=examples_at(5),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    start=st.dates(date(2026, 2, 1), date(2026, 7, 31)),
    length=st.integers(0, 200),
    counted_on=st.dates(MEASURED_ON, date(2026, 8, 31)),
)
def test_any_period_counts_as_the_cases_do(
    dataset: Dataset, start: date, length: int, counted_on: date
) -> None:
    # Counted on a day after the last sweep too: milestones still pending past
    # their day are then "not reached" in the tallies as in the cases.
    snapshot.refresh(now=datetime.combine(counted_on, time(12), COPENHAGEN))

    _assert_same_as_the_cases(Period(start, start + timedelta(days=length)))


@pytest.mark.parametrize(
    ("counted_on", "not_reached"),
    [
        # Counted on the day of the last sweep: two May retention meetings the sweep
        # marked missed; those of 20 May (due that day) and 22 May are still pending.
        (MEASURED_ON, 2),
        # May read by its days: by the 31st the two pending ones have passed too.
        (date(2026, 5, 31), 4),
        # May read as a whole month, counted in June.
        (date(2026, 6, 15), 4),
    ],
)
def test_a_milestone_pending_past_its_day_is_not_reached(
    dataset: Dataset, counted_on: date, not_reached: int
) -> None:
    snapshot.refresh(now=datetime.combine(counted_on, time(12), COPENHAGEN))

    may = snapshot.NationalFigures(month(2026, 5), snapshot.current())
    retention = [by_key["retention_meeting"] for by_key in may.milestones.values()]
    assert sum(m.kept[f.Kept.NOT_REACHED].cases for m in retention) == not_reached
    _assert_same_as_the_cases(month(2026, 5))


# --- as of when they were counted --------------------------------------------------------


def test_a_change_counts_from_the_next_count(dataset: Dataset, time_machine: Any) -> None:
    first = snapshot.refresh()
    before = snapshot.NationalFigures(month(2026, 4), first).requests
    case = FastTrackCase.objects.filter(requested_on__month=4).first()
    assert case is not None
    FastTrackCase.objects.filter(pk=case.pk).update(requested_by="caseworker")

    # Not counted yet: the page shows the count of its time, and says when it was.
    still = snapshot.NationalFigures(month(2026, 4), snapshot.current()).requests
    assert dict(still) == dict(before)

    time_machine.move_to(at(MEASURED_ON) + timedelta(minutes=20), tick=False)
    second = snapshot.refresh()
    assert second.taken_at is not None and first.taken_at is not None
    assert second.taken_at > first.taken_at
    _assert_same_as_the_cases(month(2026, 4))


def test_a_count_writes_only_the_tallies_that_changed(dataset: Dataset) -> None:
    first = snapshot.refresh()
    assert first.changed == Tally.objects.count() > 0
    ids = set(Tally.objects.values_list("pk", flat=True))

    assert snapshot.refresh().changed == 0
    assert set(Tally.objects.values_list("pk", flat=True)) == ids

    case = FastTrackCase.objects.filter(requested_on__month=4, requested_by="employer").first()
    assert case is not None
    FastTrackCase.objects.filter(pk=case.pk).update(requested_by="caseworker")
    # Its day and its month, each one tally fewer of the employer's and one more of the
    # caseworker's: at most two rows out and two in apiece.
    assert 0 < snapshot.refresh().changed <= 8
    _assert_same_as_the_cases(month(2026, 4))
    assert len(ids - set(Tally.objects.values_list("pk", flat=True))) <= 4


def test_the_count_is_renewed_only_when_due(dataset: Dataset) -> None:
    now = datetime(2026, 5, 20, 12, 0, tzinfo=COPENHAGEN)
    snapshot.refresh(now=now)
    rows = Tally.objects.count()

    fresh = snapshot.refresh(older_than=timedelta(minutes=15), now=now + timedelta(minutes=14))
    assert fresh.taken_at == now
    stale = snapshot.refresh(older_than=timedelta(minutes=15), now=now + timedelta(minutes=16))
    assert stale.taken_at == now + timedelta(minutes=16)
    # Counted again whole, not added to.
    assert Tally.objects.count() == rows
    assert Tally.objects.filter(grain=Grain.MONTH).exists()


def test_the_command_counts_and_says_when(dataset: Dataset) -> None:
    output = StringIO()

    call_command("refresh_statistics", stdout=output)
    call_command("refresh_statistics", if_due=True, stdout=output)

    lines = output.getvalue().splitlines()
    assert len(lines) == 2 and all(line.startswith("Statistics counted at") for line in lines)
    # The second found the first count fresh and left it.
    assert lines[0] == lines[1]
    assert Snapshot.objects.get().seconds >= 0


def test_a_new_installation_counts_on_the_first_view(
    dataset: Dataset, administrator: User, login: Any
) -> None:
    assert snapshot.current().taken_at is None
    client: Client = login(administrator)

    page = client.get("/statistik/?period=2026-04")

    assert page.status_code == 200
    assert snapshot.current().taken_at is not None
    html = page.content.decode()
    assert 'id="counted-at"' in html
    assert "optalt" in html.lower()
    csv = client.get("/statistik/statistik.csv?period=2026-04").content.decode("utf-8-sig")
    assert csv.splitlines()[2].startswith("Optalt;2026-05-20T")


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_period(
    dataset: Dataset, administrator: User, login: Any
) -> None:
    client: Client = login(administrator)
    client.get("/statistik/")
    counts = []
    for period in ("2026-04", "2026-K2", "2026"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/statistik/?period={period}").status_code == 200
        counts.append(len(captured.captured_queries))

    assert len(set(counts)) == 1
