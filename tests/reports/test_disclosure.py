"""Small-cell suppression checked by an attacker who knows every relation a page shows: for
each hidden count, the smallest and largest value consistent with everything visible
(linear programming, independent of how the suppression chose its cells)."""

from __future__ import annotations

import random

import numpy as np
from scipy.optimize import linprog

from orchestration.reports.disclosure import Cell, Disclosure


def _bounds(disclosure: Disclosure, target: Cell) -> tuple[float, float]:
    """The range a reader can narrow a hidden cell to from the visible cells and relations."""
    hidden = [c for c in disclosure.cells if c.hidden]
    index = {id(c): i for i, c in enumerate(hidden)}
    equations, constants = [], []
    for total, parts in disclosure.relations:
        row, constant = np.zeros(len(hidden)), 0.0
        for sign, members in ((1.0, (total,)), (-1.0, parts)):
            for c in members:
                if c.hidden:
                    row[index[id(c)]] += sign
                else:
                    constant -= sign * c.value
        equations.append(row)
        constants.append(constant)
    objective = np.zeros(len(hidden))
    objective[index[id(target)]] = 1.0
    low = linprog(objective, A_eq=np.array(equations), b_eq=constants, bounds=(0, None))
    high = linprog(-objective, A_eq=np.array(equations), b_eq=constants, bounds=(0, None))
    assert low.status == 0 and high.status in (0, 3), (low.message, high.message)
    return low.fun, (-high.fun if high.status == 0 else float("inf"))  # 3: unbounded


def _table(disclosure: Disclosure, values: list[list[int]]) -> list[list[Cell]]:
    """A table with row totals, column totals and a grand total, all related."""
    cells = [[disclosure.cell(v) for v in row] for row in values]
    row_totals = [disclosure.cell(sum(c.value for c in row)) for row in cells]
    column_totals = [disclosure.cell(sum(row[j].value for row in cells))
                     for j in range(len(values[0]))]
    grand = disclosure.cell(sum(c.value for c in row_totals))
    for total, row in zip(row_totals, cells, strict=True):
        disclosure.relate(total, row)
    for j, total in enumerate(column_totals):
        disclosure.relate(total, [row[j] for row in cells])
    disclosure.relate(grand, row_totals)
    disclosure.relate(grand, column_totals)
    return cells


def test_a_total_less_the_rest_of_its_row_does_not_give_back_a_hidden_count() -> None:
    disclosure = Disclosure(11)
    sites = [disclosure.cell(v) for v in (14, 20, 8)]
    everyone = disclosure.cell(42)
    disclosure.relate(everyone, sites)
    disclosure.protect()
    assert [c.hidden for c in sites] == [True, False, True]  # east's 8, and north's 14 with it
    assert not everyone.hidden
    low, high = _bounds(disclosure, sites[2])
    assert high - low >= 8


def test_cells_joined_only_through_several_relations_are_protected() -> None:
    """Two blocks of small counts joined by one cell: no single row or column has a lone
    hidden cell, yet adding rows and subtracting columns would isolate the joining cell."""
    values = [[3, 4, 50, 60],
              [5, 2, 9, 70],
              [80, 90, 4, 6],
              [70, 80, 3, 5]]
    disclosure = Disclosure(11)
    cells = _table(disclosure, values)
    disclosure.protect()
    for row in cells:
        for cell in row:
            if cell.hidden:
                low, high = _bounds(disclosure, cell)
                assert high - low > 0.5, (cell.value, low, high)


def test_no_hidden_count_of_a_random_table_can_be_worked_out() -> None:
    rng = random.Random(20)
    tables = 0
    for _ in range(150):
        rows, columns = rng.randint(2, 5), rng.randint(2, 5)
        values = [[rng.choice([0, 1, 2, 5, 9, 12, 30, 80]) for _ in range(columns)]
                  for _ in range(rows)]
        disclosure = Disclosure(11)
        _table(disclosure, values)
        disclosure.protect()
        for cell in disclosure.cells:
            if 0 < cell.value < 11:
                assert cell.hidden
            if cell.hidden:
                low, high = _bounds(disclosure, cell)
                assert high - low > 0.5, (values, cell.value, low, high)
        tables += any(c.hidden for c in disclosure.cells)
    assert tables > 100  # most tables had something to protect


def test_a_rate_is_shown_only_when_neither_its_part_nor_the_rest_is_small() -> None:
    disclosure = Disclosure(11)
    housed, answered = disclosure.cell(38), disclosure.cell(100)
    few, whole = disclosure.cell(7), disclosure.cell(20)
    most, of = disclosure.cell(233), disclosure.cell(242)
    disclosure.protect()
    assert disclosure.rate(housed, answered) == 38.0
    assert disclosure.rate(few, whole) is None  # 35% of 20 is 7
    assert disclosure.rate(most, of) is None  # 96.3% of 242 leaves 9


def test_an_edition_without_a_threshold_shows_every_count() -> None:
    disclosure = Disclosure(0)
    cells = _table(disclosure, [[1, 2], [3, 40]])
    disclosure.protect()
    assert not any(c.hidden for c in disclosure.cells)
    assert disclosure.rate(cells[0][0], cells[1][1]) == 2.5
