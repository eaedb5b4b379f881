"""The period a statistic covers: a month, a quarter, a year, or from one day to another.

A period travels in the address as ``?period=2026-11`` (month), ``2026-K4``
(quarter), ``2026`` (year), or ``?start=2026-01-05&end=2026-02-20``; both
days are included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.utils.translation import gettext as _

# A longer period says nothing a year does not, and would make the weekly chart unreadable.
MAX_DAYS = 3 * 366

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[KQ]([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """A period that cannot be read; the message is for the user."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    # The ``period`` parameter, or "" for a from–to period.
    code: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(_("The period must end on or after the day it starts."))
        if (self.end - self.start).days >= MAX_DAYS:
            raise PeriodError(_("A period can be at most three years."))

    def params(self) -> dict[str, str]:
        """The period as address parameters for the worklist and the export."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def own_params(self) -> dict[str, str]:
        """The period as this page's own address parameters."""
        return {"period": self.code} if self.code else self.params()

    def query_string(self) -> str:
        return urlencode(self.own_params())

    def weeks(self) -> list[date]:
        """The Mondays of the weeks the period touches."""
        monday = self.start - timedelta(days=self.start.weekday())
        mondays = []
        while monday <= self.end:
            mondays.append(monday)
            monday += timedelta(days=7)
        return mondays

    def clip(self, start: date, end: date) -> Period:
        """The part of this period between ``start`` and ``end``."""
        return Period(max(start, self.start), min(end, self.end))


def month(year: int, number: int) -> Period:
    first = date(year, number, 1)
    next_first = date(year + number // 12, number % 12 + 1, 1)
    return Period(first, next_first - timedelta(days=1), f"{year:04d}-{number:02d}")


def quarter(year: int, number: int) -> Period:
    first = month(year, 3 * number - 2)
    last = month(year, 3 * number)
    return Period(first.start, last.end, f"{year:04d}-K{number}")


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31), f"{number:04d}")


def parse_period(code: str) -> Period:
    """``2026-11``, ``2026-K4`` (or ``2026-Q4``) or ``2026``; else ``PeriodError``."""
    code = code.strip()
    try:
        if found := _MONTH.match(code):
            return month(int(found[1]), int(found[2]))
        if found := _QUARTER.match(code):
            return quarter(int(found[1]), int(found[2]))
        if found := _YEAR.match(code):
            return year(int(found[1]))
    except ValueError as error:
        if isinstance(error, PeriodError):
            raise
    raise PeriodError(
        _("Give a month (2026-11), a quarter (2026-K4) or a year (2026), or a from and to date.")
    )


def default_period(today: date) -> Period:
    """The current month."""
    return month(today.year, today.month)


def period_choices(today: date) -> list[tuple[str, str]]:
    """The periods offered in the chooser: the last 12 months, 8 quarters and 3 years."""
    from django.utils import formats

    choices: list[tuple[str, str]] = []
    y, m = today.year, today.month
    for _i in range(12):
        period = month(y, m)
        label = formats.date_format(period.start, "F Y")
        choices.append((period.code, label))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    q = (today.month - 1) // 3 + 1
    y = today.year
    for _i in range(8):
        period = quarter(y, q)
        # Translators: a quarter, Danish "1. kvartal 2026".
        choices.append((period.code, _("Quarter %(number)s %(year)s") % {"number": q, "year": y}))
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    for number in range(today.year, today.year - 3, -1):
        choices.append((year(number).code, str(number)))
    return choices
