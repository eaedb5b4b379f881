"""The statistics as tables: what the page, its charts and the CSV export all show.

A table is built from the figures, suppressed where it must be
(``reports.suppression``), and only then given its shares and medians, so that
no derived number can reveal a suppressed count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

# Kinds of cell.
COUNT = "count"
PERCENT = "percent"
DAYS = "days"
WEEKS = "weeks"

SUPPRESSED_TEXT = "<5"


@dataclass
class Cell:
    value: int | float | None
    kind: str = COUNT
    # The worklist figure behind a count (``reports.figures.figure_filter``).
    figure: str = ""
    # A narrower period for this cell, such as one week of the period.
    start: str = ""
    end: str = ""
    # Distinct employees behind a count, where they decide the suppression.
    people: int | None = None
    suppressed: bool = False
    # Set by the view: where the figure links to.
    link: str = ""

    @property
    def shown(self) -> bool:
        return self.value is not None and not self.suppressed

    def text(self) -> str:
        """The value as a Dane writes it: decimal comma, "<5" where suppressed."""
        if self.suppressed:
            return SUPPRESSED_TEXT
        if self.value is None:
            return "–"
        if self.kind == COUNT:
            return str(int(self.value))
        return decimal_comma(self.value)


def decimal_comma(value: float | int, places: int = 1) -> str:
    """``62.5`` as ``62,5``; whole numbers without decimals."""
    if float(value).is_integer():
        return str(int(value))
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return str(rounded).replace(".", ",")


@dataclass
class Row:
    label: str
    cells: list[Cell]
    key: str = ""
    is_total: bool = False


@dataclass
class Table:
    key: str
    # A Danish caption for the chart and the table (translated).
    caption: str
    row_heading: str
    columns: list[str]
    rows: list[Row]
    # Units and kinds of the columns, for the chart and the export.
    kinds: list[str] = field(default_factory=list)
    # Which columns the chart draws (stacked when more than one); none: no chart.
    chart_columns: list[int] = field(default_factory=list)
    note: str = ""

    def column_cells(self, index: int) -> list[Cell]:
        return [row.cells[index] for row in self.rows]

    def body_rows(self) -> list[Row]:
        return [row for row in self.rows if not row.is_total]


def share(numerator: Cell, denominator: Cell) -> Cell:
    """``numerator`` as a percentage of ``denominator``; empty where either is not
    shown, so that a share never reveals a suppressed count."""
    if not (numerator.shown and denominator.shown) or not denominator.value:
        return Cell(None, PERCENT)
    assert numerator.value is not None and denominator.value is not None
    return Cell(round(100 * numerator.value / denominator.value, 1), PERCENT)


def count_label(kind: str) -> str:
    return {
        COUNT: _("cases"),
        PERCENT: "%",
        DAYS: _("days"),
        WEEKS: _("weeks"),
    }[kind]
