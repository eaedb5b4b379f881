"""No count under 5, and none that can be worked out from the totals."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fasttrack.reports.suppression import suppress_grid
from fasttrack.reports.tables import Cell
from tests.hypothesis_profiles import examples_at
from tests.reports.disclosure import disclosed


def _with_totals(
    counts: list[list[int]], *, rows_add_up: bool = True, columns_add_up: bool = True
) -> list[list[Cell]]:
    rows = [[*row, sum(row)] if rows_add_up else row for row in counts]
    if columns_add_up:
        rows = [*rows, [sum(column) for column in zip(*rows, strict=True)]]
    return [[Cell(v) for v in row] for row in rows]


def _shown(grid: list[list[Cell]]) -> list[list[int | None]]:
    return [[None if cell.suppressed else int(cell.value or 0) for cell in row] for row in grid]


def test_it_hides_a_small_count_and_one_more_in_its_row_and_column() -> None:
    grid = _with_totals([[20, 3, 30], [40, 50, 60]])

    suppress_grid(grid, rows_add_up=True, columns_add_up=True)

    shown = _shown(grid)
    assert shown[0][1] is None
    assert disclosed(shown) == []
    # Only as much as needed: the large counts of the other row stay apart from one.
    assert sum(value is None for row in shown for value in row) == 4


def test_the_disclosure_check_finds_hidden_counts_the_totals_give_away() -> None:
    # The check itself: one hidden count in a row with its total is disclosed,
    assert disclosed([[None, 7, 10], [5, 5, 10], [8, 12, 20]]) == [(0, 0)]
    # and so is one a chain of rows and columns gives away (found by the search
    # that showed that hiding a second count per line is not enough).
    chain: list[list[int | None]] = [
        [None, None, 30, 26, 86],
        [29, 30, None, None, 88],
        [19, 20, None, None, 66],
        [None, None, None, 16, 43],
        [75, 76, 68, 64, 283],
    ]
    assert disclosed(chain) == [(3, 2)]
    # A rectangle of hidden counts is safe: any value could shift around it.
    assert disclosed([[None, None, 10], [None, None, 10], [8, 12, 20]]) == []


@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=30), min_size=2, max_size=4),
        min_size=2,
        max_size=5,
    ).filter(lambda rows: len({len(row) for row in rows}) == 1)
)
def test_no_suppressed_count_can_be_worked_out(counts: list[list[int]]) -> None:
    for rows_add_up, columns_add_up in [(True, True), (True, False), (False, True)]:
        flags = {"rows_add_up": rows_add_up, "columns_add_up": columns_add_up}
        grid = _with_totals(counts, **flags)

        suppress_grid(grid, **flags)

        shown = _shown(grid)
        assert all(v is None or v >= 5 for row in shown for v in row)
        assert disclosed(shown, **flags) == [], flags


def test_it_judges_by_the_employees_where_they_are_known() -> None:
    # Six cases about four employees is a figure about fewer than five.
    grid = [[Cell(6, people=4), Cell(9, people=9), Cell(15, people=13)]]

    suppress_grid(grid, rows_add_up=True, columns_add_up=False)

    assert [cell.suppressed for cell in grid[0]] == [True, True, False]


# Counts either small or comfortably large, as in real tables: hidden counts then
# form chains across rows and columns that hiding a second count per line does
# not break, and only a cycle through every bridge does.
_mixed = st.one_of(st.integers(min_value=0, max_value=4), st.integers(min_value=5, max_value=40))


@given(
    st.integers(min_value=3, max_value=5).flatmap(
        lambda width: st.lists(
            st.lists(_mixed, min_size=width, max_size=width), min_size=3, max_size=6
        )
    )
)
def test_no_chain_of_suppressed_counts_can_be_worked_out(counts: list[list[int]]) -> None:
    grid = _with_totals(counts)

    suppress_grid(grid, rows_add_up=True, columns_add_up=True)

    shown = _shown(grid)
    assert all(v is None or v >= 5 for row in shown for v in row)
    assert disclosed(shown) == []


# 98 rows a table: a twentieth of the profile's examples.
@settings(max_examples=examples_at(20))
@given(st.lists(st.lists(_mixed, min_size=4, max_size=4), min_size=98, max_size=98))
def test_a_national_table_gives_nothing_away(counts: list[list[int]]) -> None:
    # The administrator's tables: 98 municipalities and a national total row.
    grid = _with_totals(counts)

    suppress_grid(grid, rows_add_up=True, columns_add_up=True)

    shown = _shown(grid)
    assert all(v is None or v >= 5 for row in shown for v in row)
    assert disclosed(shown) == []
