"""The one way to write a date or a time, in the active language.

Every page, letter and error message calls these (templates through the
filters of ``fasttrack_dates``), so "6. december 2026" is never "6.12.2026"
on the next page, and English never mixes "Dec. 6, 2026" with "6 December".
Datetimes are shown in Danish time (``TIME_ZONE``), whatever they were
stored in. ISO date strings, as JSON fields keep them, are read as dates.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format, get_format

DateLike = date | datetime | str | None


def _as_date(value: DateLike) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _as_datetime(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return timezone.localtime(value) if timezone.is_aware(value) else value


def as_date(value: DateLike) -> str:
    """The day, as in "6. december 2026" or "6 December 2026"; empty for no date."""
    day = _as_date(value)
    return date_format(day, "DATE_FORMAT") if day else ""


def as_weekday_date(value: DateLike) -> str:
    """The day with its weekday ("søndag 20. december 2026"), as deadlines show it."""
    day = _as_date(value)
    return date_format(day, "l " + str(get_format("DATE_FORMAT"))) if day else ""


def as_time(value: datetime | str | None) -> str:
    """The time of day on the 24-hour clock in every language, as in "09:30"."""
    moment = _as_datetime(value)
    return date_format(moment, "TIME_FORMAT") if moment else ""


def as_datetime(value: datetime | str | None) -> str:
    """The day and the time, as in "6. december 2026, 09:30"."""
    moment = _as_datetime(value)
    return date_format(moment, "DATETIME_FORMAT") if moment else ""


def as_weekday_datetime(value: datetime | str | None) -> str:
    """A meeting's time with its weekday: "søndag 6. december 2026, 09:30"."""
    moment = _as_datetime(value)
    if moment is None:
        return ""
    return f"{as_weekday_date(moment)}, {as_time(moment)}"
