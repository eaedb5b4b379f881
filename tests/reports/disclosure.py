"""Whether a hidden count of a table can be worked out from what is shown.

A table with a total column and a total row gives one equation per row and
per column. A hidden count is disclosed when the equations fix its value:
when its unit vector lies in the row space of their coefficients (exact
arithmetic with fractions).
"""

from __future__ import annotations

from fractions import Fraction


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [row[:] for row in rows]
    rank = 0
    columns = len(matrix[0]) if matrix else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column] / matrix[rank][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


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
        coefficients = [Fraction(0)] * len(hidden)
        for position, cell in enumerate(line):
            if cell in index:
                coefficients[index[cell]] += -1 if position == len(line) - 1 else 1
        if any(coefficients):
            equations.append(coefficients)
    base = _rank(equations)
    found = []
    for cell, i in index.items():
        unit = [Fraction(int(j == i)) for j in range(len(hidden))]
        if _rank([*equations, unit]) == base:
            found.append(cell)
    return found
