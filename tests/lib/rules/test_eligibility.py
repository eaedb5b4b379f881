"""Who may request Fast track, and when (R-01 to R-04)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fasttrack.lib.rules import (
    ExpectationNotAffirmed,
    FirstAbsenceDayInFuture,
    RequestBeforeFirstAbsenceDay,
    RequestTooLate,
    check_request,
    rule_set_by_version,
)

RS = rule_set_by_version("2025-01")
D0 = date(2026, 1, 5)
TODAY = date(2026, 3, 2)


def check(*, request_date: date, first_absence_day: date = D0, expects: bool = True) -> None:
    check_request(
        RS,
        first_absence_day=first_absence_day,
        request_date=request_date,
        expects_over_8_weeks=expects,
        today=TODAY,
    )


def test_it_accepts_a_request_on_the_last_valid_day_d0_plus_34_R03() -> None:
    check(request_date=D0 + timedelta(days=34))


def test_it_accepts_a_request_on_d0_itself_R03() -> None:
    check(request_date=D0)


def test_it_refuses_a_request_on_d0_plus_35_R03() -> None:
    with pytest.raises(RequestTooLate) as raised:
        check(request_date=D0 + timedelta(days=35))
    error = raised.value
    assert error.rule_id == "R-03"
    assert error.params["last_valid_day"] == date(2026, 2, 8)
    assert error.params["first_absence_day"] == D0
    assert error.params["request_date"] == date(2026, 2, 9)
    assert str(error) == (
        "The request came too late: the last valid request day was 2026-02-08, "
        "34 days after the first absence day 2026-01-05."
    )


def test_it_refuses_a_request_without_the_8_week_expectation_R01_R04() -> None:
    with pytest.raises(ExpectationNotAffirmed) as raised:
        check(request_date=D0, expects=False)
    assert raised.value.rule_id == "R-04"
    assert raised.value.params == {"weeks": 8}


def test_it_refuses_a_first_absence_day_in_the_future_R04() -> None:
    with pytest.raises(FirstAbsenceDayInFuture) as raised:
        check(first_absence_day=TODAY + timedelta(days=1), request_date=TODAY)
    assert raised.value.params == {"first_absence_day": date(2026, 3, 3), "today": TODAY}


def test_it_accepts_a_first_absence_day_of_today_R04() -> None:
    check(first_absence_day=TODAY, request_date=TODAY)


def test_it_refuses_a_request_before_the_first_absence_day_R04() -> None:
    with pytest.raises(RequestBeforeFirstAbsenceDay) as raised:
        check(request_date=D0 - timedelta(days=1))
    assert raised.value.rule_id == "R-04"
    assert raised.value.params["request_date"] == date(2026, 1, 4)
