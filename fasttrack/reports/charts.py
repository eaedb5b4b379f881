"""Server-rendered SVG bar charts of a statistics table.

No script and no inline style: the Content-Security-Policy allows neither,
and the SVG's presentation attributes need neither. Each chart draws the
table it sits beside (the table is the accessible version), one horizontal
bar per row, stacked when the table charts several columns; horizontal bars
keep long Danish labels readable on a narrow screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from fasttrack.reports.tables import Table

WIDTH = 400
LABEL_HEIGHT = 16
BAR_HEIGHT = 16
ROW_GAP = 10
LEGEND_HEIGHT = 24
VALUE_ROOM = 44
# DKFDS blue, and three more with at least 3:1 contrast to white (WCAG 1.4.11).
COLOURS = ["#0059b3", "#b34700", "#5c5c5c", "#2e7d32"]


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class ChartRow:
    label: str
    label_y: float
    bar_y: float
    bars: list[Bar]
    total_text: str
    total_x: float
    total_y: float


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    x: float
    text_x: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: float
    bar_height: int
    rows: list[ChartRow]
    legend: list[LegendItem]
    legend_y: float


def chart_for(table: Table) -> Chart | None:
    """The chart of ``table``'s chart columns over its rows (totals left out); None
    when the table has no chart or nothing to draw."""
    if not table.chart_columns:
        return None
    body = table.body_rows()
    values = [
        [
            float(cell.value) if cell.shown and cell.value is not None else 0.0
            for cell in (row.cells[index] for index in table.chart_columns)
        ]
        for row in body
    ]
    if not body:
        return None
    largest = max((sum(row) for row in values), default=0.0) or 1.0
    span = WIDTH - VALUE_ROOM
    stacked = len(table.chart_columns) > 1
    top = LEGEND_HEIGHT if stacked else 0
    rows = []
    for number, (row, row_values) in enumerate(zip(body, values, strict=True)):
        y = top + number * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP)
        x = 0.0
        bars = []
        for index, value in enumerate(row_values):
            width = span * value / largest
            bars.append(Bar(round(x, 1), round(width, 1), COLOURS[index % len(COLOURS)]))
            x += width
        shown = [row.cells[index] for index in table.chart_columns]
        total_text = "<5" if any(cell.suppressed for cell in shown) else _number(sum(row_values))
        rows.append(
            ChartRow(
                row.label,
                label_y=y + LABEL_HEIGHT - 4,
                bar_y=y + LABEL_HEIGHT,
                bars=bars,
                total_text=total_text,
                total_x=round(x + 4, 1),
                total_y=y + LABEL_HEIGHT + 12,
            )
        )
    legend = []
    if stacked:
        step = WIDTH / len(table.chart_columns)
        legend = [
            LegendItem(
                table.columns[index],
                COLOURS[n % len(COLOURS)],
                round(n * step, 1),
                round(n * step + 16, 1),
            )
            for n, index in enumerate(table.chart_columns)
        ]
    height = top + len(body) * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP)
    return Chart(WIDTH, height, BAR_HEIGHT, rows, legend, legend_y=14)


def _number(value: float) -> str:
    from fasttrack.reports.tables import decimal_comma

    return decimal_comma(value)
