"""Banking days (RULES.md "Terms"), the calendar behind R-11."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.easter import easter
from hypothesis import given
from hypothesis import strategies as st

from fasttrack.lib.rules import (
    add_banking_days,
    banking_days_between,
    closing_days,
    first_day_with_banking_days_left,
    is_banking_day,
    last_banking_day_before,
    next_banking_day_on_or_after,
)

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31))


def d(text: str) -> date:
    return date.fromisoformat(text)


CLOSING_DAYS = {
    2025: {
        "2025-01-01",  # nytårsdag
        "2025-04-17",  # skærtorsdag
        "2025-04-18",  # langfredag
        "2025-04-21",  # 2. påskedag
        "2025-05-29",  # Kristi himmelfartsdag
        "2025-05-30",  # the Friday after
        "2025-06-05",  # grundlovsdag
        "2025-06-09",  # 2. pinsedag
        "2025-12-24",
        "2025-12-25",
        "2025-12-26",
        "2025-12-31",
    },
    2026: {
        "2026-01-01",
        "2026-04-02",
        "2026-04-03",
        "2026-04-06",
        "2026-05-14",
        "2026-05-15",
        "2026-05-25",
        "2026-06-05",
        "2026-12-24",
        "2026-12-25",
        "2026-12-26",  # a Saturday: listed all the same
        "2026-12-31",
    },
    2027: {
        "2027-01-01",
        "2027-03-25",
        "2027-03-26",
        "2027-03-29",
        "2027-05-06",
        "2027-05-07",
        "2027-05-17",
        "2027-06-05",  # a Saturday
        "2027-12-24",
        "2027-12-25",
        "2027-12-26",
        "2027-12-31",
    },
}


@pytest.mark.parametrize("year", sorted(CLOSING_DAYS))
def test_it_lists_exactly_the_holidays_and_bank_closing_days(year: int) -> None:
    assert closing_days(year) == {d(day) for day in CLOSING_DAYS[year]}


@pytest.mark.parametrize("year", range(2024, 2036))
def test_it_agrees_with_the_rules_computed_from_easter(year: int) -> None:
    """An oracle independent of the holidays package: the list in RULES.md, by date."""
    e = easter(year)
    from_easter = {e + timedelta(days=n) for n in (-3, -2, 1, 39, 40, 50)}
    fixed = {date(year, m, day) for m, day in ((1, 1), (6, 5), (12, 24), (12, 25), (12, 26))}
    assert closing_days(year) == from_easter | fixed | {date(year, 12, 31)}


@pytest.mark.parametrize("day", ["2024-04-26", "2025-05-16", "2026-05-01", "2027-04-23"])
def test_it_banks_on_store_bededag_since_2024(day: str) -> None:
    assert is_banking_day(d(day))


@pytest.mark.parametrize("day", ["2025-05-01", "2026-05-01"])
def test_it_banks_on_1_may(day: str) -> None:
    assert is_banking_day(d(day))


@pytest.mark.parametrize(
    "day",
    [
        "2025-06-05",
        "2026-06-05",
        "2025-12-24",
        "2026-12-24",
        "2027-12-24",
        "2025-12-31",
        "2026-12-31",
        "2027-12-31",
        "2026-05-15",
    ],
)
def test_it_does_not_bank_on_the_banks_closing_days(day: str) -> None:
    assert not is_banking_day(d(day))


def test_it_does_not_bank_at_weekends() -> None:
    assert not is_banking_day(d("2026-03-07"))
    assert not is_banking_day(d("2026-03-08"))
    assert is_banking_day(d("2026-03-09"))


def test_it_finds_the_next_banking_day() -> None:
    assert next_banking_day_on_or_after(d("2026-12-24")) == d("2026-12-28")
    assert next_banking_day_on_or_after(d("2026-03-09")) == d("2026-03-09")
    assert next_banking_day_on_or_after(d("2026-12-31")) == d("2027-01-04")


def test_it_counts_banking_days_after_a_day_not_including_it() -> None:
    assert add_banking_days(d("2026-03-09"), 1) == d("2026-03-10")
    assert add_banking_days(d("2026-03-06"), 1) == d("2026-03-09")


def test_it_refuses_zero_banking_days() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        add_banking_days(d("2026-03-09"), 0)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-04-01", "2026-04-08", 2),  # across Easter
        ("2026-03-06", "2026-03-09", 1),  # Friday to Monday
        ("2026-12-23", "2027-01-05", 5),  # 28, 29, 30 December, 4 and 5 January
        ("2026-03-09", "2026-03-09", 0),
        ("2026-03-10", "2026-03-09", 0),
    ],
)
def test_it_counts_the_banking_days_left(start: str, end: str, expected: int) -> None:
    assert banking_days_between(d(start), d(end)) == expected


@given(start=days, n=st.integers(min_value=1, max_value=15))
def test_it_never_lands_a_banking_day_deadline_on_a_closed_day(start: date, n: int) -> None:
    due = add_banking_days(start, n)
    assert due > start
    assert due.weekday() < 5
    assert due not in closing_days(due.year)


@given(start=days, n=st.integers(min_value=1, max_value=15))
def test_it_moves_a_banking_day_deadline_strictly_later_as_n_grows(start: date, n: int) -> None:
    assert add_banking_days(start, n) < add_banking_days(start, n + 1)


@given(start=days, n=st.integers(min_value=1, max_value=15))
def test_it_counts_back_the_banking_days_it_added(start: date, n: int) -> None:
    assert banking_days_between(start, add_banking_days(start, n)) == n


@given(start=days, span=st.integers(min_value=-10, max_value=800))
def test_it_counts_banking_days_like_walking_the_calendar(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    walked = sum(is_banking_day(start + timedelta(days=i)) for i in range(1, span + 1))
    assert banking_days_between(start, end) == walked


@pytest.mark.parametrize(
    ("day", "before"),
    [
        pytest.param("2026-12-20", "2026-12-18", id="sunday"),
        # 25 December is a Friday and 24 December a closing day.
        pytest.param("2026-12-25", "2026-12-23", id="juledag"),
        pytest.param("2026-04-06", "2026-04-01", id="2-paaskedag"),
        pytest.param("2026-12-09", "2026-12-08", id="a-wednesday"),
    ],
)
def test_it_finds_the_last_banking_day_before_a_deadline_R32(day: str, before: str) -> None:
    """What the pages show beside a calendar-day deadline, which itself never moves."""
    assert last_banking_day_before(d(day)) == d(before)


@given(day=days)
def test_it_always_gives_a_banking_day_before_the_day_R32(day: date) -> None:
    before = last_banking_day_before(day)
    assert is_banking_day(before)
    assert before < day
    assert all(not is_banking_day(between) for between in _days_between(before, day))


def _days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range(1, (end - start).days)]


@given(due=days, n=st.integers(min_value=1, max_value=10))
def test_it_finds_the_first_day_with_n_banking_days_left(due: date, n: int) -> None:
    """A reminder "n banking days before" agrees with the banking days left (R-24)."""
    day = first_day_with_banking_days_left(due, n)
    assert is_banking_day(day)
    assert day < due
    assert banking_days_between(day, due) <= n
    assert banking_days_between(last_banking_day_before(day), due) > n


def test_it_refuses_zero_banking_days_left() -> None:
    with pytest.raises(ValueError):
        first_day_with_banking_days_left(d("2026-03-09"), 0)
