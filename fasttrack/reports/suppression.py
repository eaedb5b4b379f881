"""Statistical disclosure control: no count under 5 is shown, nor one that can be
worked out from the counts and totals that are shown.

Primary suppression hides every count under the threshold (by the employees
behind it where that is known, else by the count). Complementary suppression
then hides more: the additive lines of a table are its rows (when they end in a
total column) and its columns (when they end in a total row); a line with
exactly one hidden count would give it away by subtraction, so the smallest
other count of that line is hidden too, preferring an inner count over the
total, until no line has exactly one hidden count.
"""

from __future__ import annotations

from fasttrack.reports.tables import COUNT, Cell, Table

THRESHOLD = 5


def _too_small(cell: Cell, threshold: int) -> bool:
    if cell.kind != COUNT or cell.value is None:
        return False
    basis = cell.people if cell.people is not None else cell.value
    return basis < threshold


def suppress_grid(
    grid: list[list[Cell]],
    *,
    rows_add_up: bool,
    columns_add_up: bool,
    threshold: int = THRESHOLD,
) -> None:
    """Suppress in place. ``grid``'s last column is the row totals when ``rows_add_up``,
    its last row the column totals when ``columns_add_up``."""
    for row in grid:
        for cell in row:
            if _too_small(cell, threshold):
                cell.suppressed = True
    lines: list[list[Cell]] = []
    if rows_add_up:
        lines.extend(grid)
    if columns_add_up and grid:
        lines.extend([row[column] for row in grid] for column in range(len(grid[0])))
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell.suppressed for cell in line) != 1:
                continue
            # The line's total is its last cell; hide an inner count if there is one.
            inner = [cell for cell in line[:-1] if not cell.suppressed]
            candidates = inner or [cell for cell in line[-1:] if not cell.suppressed]
            if candidates:
                smallest = min(candidates, key=lambda cell: cell.value or 0)
                smallest.suppressed = True
                changed = True


def suppress_table(
    table: Table,
    count_columns: list[int],
    *,
    rows_add_up: bool,
    columns_add_up: bool,
    threshold: int = THRESHOLD,
) -> None:
    """Suppress ``table``'s count columns (the last of them the row total when
    ``rows_add_up``; the last row the column totals when ``columns_add_up``)."""
    grid = [[row.cells[index] for index in count_columns] for row in table.rows]
    suppress_grid(grid, rows_add_up=rows_add_up, columns_add_up=columns_add_up, threshold=threshold)
