"""Statistical disclosure control: no count under 5 is shown, nor one that can be
worked out from the counts and totals that are shown.

Primary suppression hides every count under the threshold (judged by the
employees behind it where that is known, else by the count). Complementary
suppression then hides more. The additive lines of a table are its rows (when
they end in a total column) and its columns (when they end in a total row).
Seen as a graph whose nodes are those lines and whose edges are the hidden
counts (each count lies in one row and one column; a line that does not add up
is one shared "free" node), a hidden count can be worked out exactly when its
edge is a bridge: when it lies on no cycle of hidden counts. So, first, a line
with exactly one hidden count gets its smallest other count hidden too
(preferring an inner count over the total); then every remaining bridge gets
the smallest count hidden that closes a cycle through it. The test
``tests/reports/test_suppression.py`` checks the result with exact linear
algebra.
"""

from __future__ import annotations

from collections.abc import Iterator

from fasttrack.reports.tables import COUNT, Cell, Table

THRESHOLD = 5


def _too_small(cell: Cell, threshold: int) -> bool:
    if cell.kind != COUNT or cell.value is None:
        return False
    basis = cell.people if cell.people is not None else cell.value
    return basis < threshold


Node = tuple[str, int]
Position = tuple[int, int]
FREE: Node = ("free", 0)


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
    if not grid or not (rows_add_up or columns_add_up):
        return
    _protect_lines(grid, rows_add_up=rows_add_up, columns_add_up=columns_add_up)
    _protect_bridges(grid, rows_add_up=rows_add_up, columns_add_up=columns_add_up)


def _is_total(position: Position, grid: list[list[Cell]], *, rows: bool, columns: bool) -> bool:
    r, c = position
    return (rows and c == len(grid[0]) - 1) or (columns and r == len(grid) - 1)


def _cost(
    position: Position, grid: list[list[Cell]], *, rows: bool, columns: bool
) -> tuple[int, int | float]:
    """Hide inner counts before totals, and small counts before large ones."""
    r, c = position
    total = _is_total(position, grid, rows=rows, columns=columns)
    return (int(total), grid[r][c].value or 0)


def _protect_lines(grid: list[list[Cell]], *, rows_add_up: bool, columns_add_up: bool) -> None:
    lines: list[list[Cell]] = []
    if rows_add_up:
        lines.extend(grid)
    if columns_add_up:
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
                min(candidates, key=lambda cell: cell.value or 0).suppressed = True
                changed = True


def _nodes(position: Position, *, rows: bool, columns: bool) -> tuple[Node, Node]:
    r, c = position
    return (("row", r) if rows else FREE, ("column", c) if columns else FREE)


def _adjacency(edges: dict[Position, tuple[Node, Node]]) -> dict[Node, list[tuple[Node, Position]]]:
    adjacency: dict[Node, list[tuple[Node, Position]]] = {}
    for position, (a, b) in edges.items():
        adjacency.setdefault(a, []).append((b, position))
        adjacency.setdefault(b, []).append((a, position))
    return adjacency


def _reach(
    start: Node, adjacency: dict[Node, list[tuple[Node, Position]]], without: Position
) -> set[Node]:
    seen = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        for neighbour, position in adjacency.get(node, []):
            if position != without and neighbour not in seen:
                seen.add(neighbour)
                todo.append(neighbour)
    return seen


def _bridges(adjacency: dict[Node, list[tuple[Node, Position]]]) -> set[Position]:
    """The hidden counts on no cycle, all at once (Tarjan's bridges, one depth-first
    walk): asking each edge whether its ends stay connected without it costs a walk
    per edge, which made the national tables take seconds. Edges are told apart by
    their position, so two hidden counts between the same lines form a cycle."""
    order: dict[Node, int] = {}
    low: dict[Node, int] = {}
    bridges: set[Position] = set()
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[Node, Position | None, Iterator[tuple[Node, Position]]]] = [
            (root, None, iter(adjacency[root]))
        ]
        while stack:
            node, via, neighbours = stack[-1]
            for neighbour, position in neighbours:
                if position == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, position, iter(adjacency[neighbour])))
                    break
            else:
                stack.pop()
                if stack and via is not None:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.add(via)
    return bridges


def _protect_bridges(grid: list[list[Cell]], *, rows_add_up: bool, columns_add_up: bool) -> None:
    flags = {"rows": rows_add_up, "columns": columns_add_up}
    positions = [(r, c) for r in range(len(grid)) for c in range(len(grid[0]))]
    ends = {p: _nodes(p, **flags) for p in positions}
    while True:
        edges = {p: ends[p] for p in positions if grid[p[0]][p[1]].suppressed}
        adjacency = _adjacency(edges)
        bridges = _bridges(adjacency)
        if not bridges:
            return
        # The first bridge in reading order, so that the choice is the same whatever
        # order the walk found them in.
        bridge = min(bridges)
        a, b = edges[bridge]
        near = _reach(a, adjacency, without=bridge)
        far = _reach(b, adjacency, without=bridge)
        open_cells = [p for p in positions if not grid[p[0]][p[1]].suppressed]
        closing = [
            p
            for p in open_cells
            if (ends[p][0] in near and ends[p][1] in far)
            or (ends[p][0] in far and ends[p][1] in near)
        ]
        # No count closes the cycle at once: reach out from the bridge's own lines.
        touching = [p for p in open_cells if set(ends[p]) & {a, b}]
        candidates = closing or touching or open_cells
        if not candidates:
            return
        chosen = min(candidates, key=lambda p: _cost(p, grid, **flags))
        grid[chosen[0]][chosen[1]].suppressed = True


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
