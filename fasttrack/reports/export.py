"""The statistics as a CSV file that Danish Excel opens as it is.

UTF-8 with a byte order mark (else Excel guesses another encoding), ``;``
between fields and a decimal comma, as Excel in Danish expects. A text cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would
be run as a formula (CSV injection): it gets a leading apostrophe and quotes,
so Excel shows it as text.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from fasttrack.reports.dashboards import Dashboard

BOM = "\ufeff"
SEPARATOR = ";"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell as a field: formulas disarmed, quoted where it must be."""
    disarmed = text.startswith(_FORMULA_STARTS)
    if disarmed:
        text = "'" + text
    if disarmed or any(char in text for char in (SEPARATOR, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def _line(fields: Iterable[str]) -> str:
    return SEPARATOR.join(neutralise(field) for field in fields)


def csv_lines(title: str, dashboard: Dashboard) -> list[str]:
    period = dashboard.period
    lines = [
        _line([title]),
        _line([_("Period"), period.start.isoformat(), period.end.isoformat()]),
    ]
    if dashboard.counted_at is not None:
        counted_at = timezone.localtime(dashboard.counted_at).isoformat(timespec="minutes")
        lines.append(_line([_("Counted at"), counted_at]))
    lines.append("")
    for table in dashboard.tables:
        lines.append(_line([table.caption]))
        lines.append(_line([table.row_heading, *table.columns]))
        for row in table.rows:
            lines.append(_line([row.label, *(cell.text() for cell in row.cells)]))
        if table.note:
            lines.append(_line([table.note]))
        lines.append("")
    return lines


def csv_response(title: str, dashboard: Dashboard, filename: str) -> HttpResponse:
    body = BOM + "\r\n".join(csv_lines(title, dashboard)) + "\r\n"
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
