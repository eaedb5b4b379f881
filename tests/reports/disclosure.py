"""Whether a hidden count of a table can be worked out from what is shown.

A table with a total column and a total row gives one equation per row and
per column. A hidden count is disclosed when the equations fix its value:
when its unit vector lies in the row space of their coefficients (exact
arithmetic with fractions, one elimination for the whole table).
"""

from __future__ import annotations

from fractions import Fraction


def _reduced(rows: list[dict[int, Fraction]]) -> dict[int, dict[int, Fraction]]:
    """The reduced row echelon form of sparse ``rows``: each pivot column's row."""
    pivots: dict[int, dict[int, Fraction]] = {}
    for original in rows:
        row = dict(original)
        for column, pivot_row in pivots.items():
            if row.get(column):
                _subtract(row, pivot_row, row[column])
        if not row:
            continue
        column = min(row)
        scale = row[column]
        row = {c: v / scale for c, v in row.items()}
        for other in pivots.values():
            if other.get(column):
                _subtract(other, row, other[column])
        pivots[column] = row
    return pivots


def _subtract(row: dict[int, Fraction], pivot_row: dict[int, Fraction], factor: Fraction) -> None:
    for column, value in pivot_row.items():
        result = row.get(column, Fraction(0)) - factor * value
        if result:
            row[column] = result
        else:
            row.pop(column, None)


def disclosed(
    grid: list[list[int | None]], *, rows_add_up: bool = True, columns_add_up: bool = True
) -> list[tuple[int, int]]:
    """The hidden (None) cells whose value the row and column totals fix.

    ``grid``'s last column holds the row totals when ``rows_add_up`` and its
    last row the column totals when ``columns_add_up``.
    """
    hidden = [(r, c) for r, row in enumerate(grid) for c, value in enumerate(row) if value is None]
    if not hidden:
        return []
    index = {cell: i for i, cell in enumerate(hidden)}
    lines = []
    if rows_add_up:
        lines += [[(r, c) for c in range(len(grid[0]))] for r in range(len(grid))]
    if columns_add_up:
        lines += [[(r, c) for r in range(len(grid))] for c in range(len(grid[0]))]
    equations = []
    for line in lines:
        # Inner cells sum to the last cell: +1 for inner, -1 for the total.
        coefficients: dict[int, Fraction] = {}
        for position, cell in enumerate(line):
            if cell in index:
                coefficients[index[cell]] = Fraction(-1 if position == len(line) - 1 else 1)
        if coefficients:
            equations.append(coefficients)
    # A hidden count is fixed exactly when its unit vector is in the equations'
    # row space: in the reduced echelon form, its pivot row holds nothing else.
    pivots = _reduced(equations)
    return [cell for cell, i in index.items() if list(pivots.get(i, {})) == [i]]
