"""Who may request Fast track, and when (R-01 to R-04)."""

from __future__ import annotations

from datetime import date, timedelta

from fasttrack.lib.rules.errors import (
    ExpectationNotAffirmed,
    FirstAbsenceDayInFuture,
    RequestBeforeFirstAbsenceDay,
    RequestTooLate,
)
from fasttrack.lib.rules.ruleset import RuleSet


def last_valid_request_day(rs: RuleSet, first_absence_day: date) -> date:
    """R-03: D0 is day 1 of the absence, so 5 weeks end on D0 + 34."""
    return first_absence_day + timedelta(days=rs.request_window_days)


def check_request(
    rs: RuleSet,
    *,
    first_absence_day: date,
    request_date: date,
    expects_over_8_weeks: bool,
    today: date,
) -> None:
    """Raise the ``RuleViolation`` of the first rule the request breaks.

    ``rs`` is the rule set in force on the request date. ``today`` is passed in
    rather than read from the clock so that the check is reproducible.
    """
    if not expects_over_8_weeks:
        raise ExpectationNotAffirmed(weeks=rs.expected_absence_weeks)
    if first_absence_day > today:
        raise FirstAbsenceDayInFuture(first_absence_day=first_absence_day, today=today)
    if request_date < first_absence_day:
        raise RequestBeforeFirstAbsenceDay(
            first_absence_day=first_absence_day, request_date=request_date
        )
    last_valid_day = last_valid_request_day(rs, first_absence_day)
    if request_date > last_valid_day:
        raise RequestTooLate(
            first_absence_day=first_absence_day,
            request_date=request_date,
            last_valid_day=last_valid_day,
            window_days=rs.request_window_days,
        )
