"""``{% load fasttrack_dates %}``: the filters of ``fasttrack.formats.dates``.

``{{ day|as_date }}``, ``{{ day|as_weekday_date }}``, ``{{ moment|as_datetime }}``,
``{{ moment|as_weekday_datetime }}``, ``{{ moment|as_time }}``. Use these, never
the ``date`` filter with a format of its own.
"""

from __future__ import annotations

from django import template

from fasttrack.formats import dates

register = template.Library()

register.filter("as_date", dates.as_date)
register.filter("as_weekday_date", dates.as_weekday_date)
register.filter("as_time", dates.as_time)
register.filter("as_datetime", dates.as_datetime)
register.filter("as_weekday_datetime", dates.as_weekday_datetime)
