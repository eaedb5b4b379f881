"""Danish banking days (bankdage), for deadlines such as R-11's consent.

A banking day is Monday to Friday except the public holidays and the banks'
closing days (RULES.md, "Terms"). The ``holidays`` package supplies the public
holidays, because it follows the law (store bededag stopped being a holiday in
2024); the banks' closing days are not holidays, so they are computed here.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays
from dateutil.easter import easter

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


def _easter(year: int) -> date:
    result: date = easter(year)
    return result


def _bank_closing_days(year: int) -> set[date]:
    ascension_day = _easter(year) + timedelta(days=39)
    return {
        date(year, 6, 5),  # grundlovsdag
        ascension_day + _ONE_DAY,  # the Friday after Kristi himmelfartsdag
        date(year, 12, 24),  # juleaftensdag
        date(year, 12, 31),  # nytårsaftensdag
    }


def _public_holidays(year: int) -> set[date]:
    # Only the "public" category: the package files grundlovsdag, juleaftensdag
    # and nytårsaftensdag under "optional", together with 1 May, which is an
    # ordinary banking day. Påskedag and pinsedag are always Sundays, so they
    # are left out to keep the set to the holidays RULES.md lists.
    sundays = {_easter(year), _easter(year) + timedelta(days=49)}
    return set(holidays.country_holidays("DK", years=year)) - sundays


@functools.cache
def closing_days(year: int) -> frozenset[date]:
    """The holidays and bank closing days of ``year``, whether weekdays or not."""
    return frozenset(_public_holidays(year) | _bank_closing_days(year))


def is_banking_day(day: date) -> bool:
    return day.weekday() < _SATURDAY and day not in closing_days(day.year)


def next_banking_day_on_or_after(day: date) -> date:
    while not is_banking_day(day):
        day += _ONE_DAY
    return day


def last_banking_day_before(day: date) -> date:
    """The latest banking day strictly before ``day``.

    A calendar-day deadline on a weekend or a closing day is not moved (R-32);
    this is the day by which the work is safely done on a working day.
    """
    day -= _ONE_DAY
    while not is_banking_day(day):
        day -= _ONE_DAY
    return day


def add_banking_days(start: date, n: int) -> date:
    """The ``n``-th banking day strictly after ``start`` ("n banking days after")."""
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    day = start
    for _ in range(n):
        day = next_banking_day_on_or_after(day + _ONE_DAY)
    return day


def first_day_with_banking_days_left(due: date, n: int) -> date:
    """The earliest day on which at most ``n`` banking days are left until ``due``
    (``banking_days_between(day, due) <= n``): a reminder "n banking days before".

    Always a banking day. A ``due`` on a weekend or a closing day counts from the
    banking day before it, the last day the work is done on a working day.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    day = last_banking_day_before(due + _ONE_DAY)
    for _ in range(n):
        day = last_banking_day_before(day)
    return day


def banking_days_between(start: date, end: date) -> int:
    """How many banking days lie in (``start``, ``end``]; 0 when ``end`` is not later.

    "2 banking days left" on the day a letter was sent is
    ``banking_days_between(today, due)``.
    """
    if end <= start:
        return 0
    closed_weekdays = sum(
        start < day <= end and day.weekday() < _SATURDAY
        for year in range(start.year, end.year + 1)
        for day in closing_days(year)
    )
    return _weekdays_through(end) - _weekdays_through(start) - closed_weekdays


def _weekdays_through(day: date) -> int:
    # Ordinal 1 (1 January of year 1) is a Monday, so every block of seven
    # ordinals starts on a Monday and holds five weekdays.
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)
