"""Small-cell suppression that arithmetic cannot undo: primary and complementary suppression.

A count of 1 to threshold - 1 people is hidden (primary). That alone is not enough: when a
total and all but one of its parts are shown, the hidden part is their difference; a rate
beside its whole gives its part back. So every additive relation a page shows (a total and
its parts, across a row or down a column) is declared, and while any hidden cell can be
worked out from them (one relation with a single hidden member, or several relations
combined), the smallest visible non-zero part of a relation it is in is hidden too (or the
total, when no part can be). Rates are shown only when their part, their whole and the rest
of the whole are all safe to show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

SYMBOL = "*"


@dataclass(eq=False)
class Cell:
    """One count on a page: its value, what it counts (a ref a test can re-count), and
    whether this edition hides it. Cells compare by identity: two equal counts in different
    places of a table are different cells."""

    value: int | float
    ref: str | None = None
    hidden: bool = False


class Disclosure:
    """The cells of one page of one edition and the relations between them."""

    def __init__(self, threshold: int):
        self.threshold = threshold
        self.cells: list[Cell] = []
        self.relations: list[tuple[Cell, tuple[Cell, ...]]] = []

    @property
    def active(self) -> bool:
        return self.threshold > 1

    def cell(self, value: int | float, ref: str | None = None) -> Cell:
        cell = Cell(value, ref)
        self.cells.append(cell)
        return cell

    def small(self, value: int | float) -> bool:
        return self.active and 0 < value < self.threshold

    def relate(self, total: Cell, parts: Iterable[Cell]) -> None:
        """total = sum(parts), as a reader could add them up. A part that is not on the page
        at all may be left out: it is unknown to the reader, so the relation is then looser
        than declared, and protecting it anyway only hides more."""
        self.relations.append((total, tuple(parts)))

    def protect(self) -> None:
        """Hide the small cells, then whatever would let a reader work one out."""
        if not self.active:
            return
        for cell in self.cells:
            cell.hidden = cell.hidden or self.small(cell.value)
        while self._close_single_gaps() | self._close_combined_gaps():
            pass

    def _close_single_gaps(self) -> bool:
        """A relation with exactly one hidden member gives it away: hide one more."""
        changed = False
        progress = True
        while progress:
            progress = False
            for total, parts in self.relations:
                if sum(c.hidden for c in (total, *parts)) == 1 and self._hide_one(total, parts):
                    changed = progress = True
        return changed

    def _close_combined_gaps(self) -> bool:
        """Relations added and subtracted together can still isolate a hidden cell (two
        blocks of a table joined by one hidden cell): find such a cell by linear algebra
        and hide one more member of a relation it is in."""
        hidden = [c for c in self.cells if c.hidden]
        if not hidden:
            return False
        column = {id(c): i for i, c in enumerate(hidden)}
        rows = []
        for total, parts in self.relations:
            row = np.zeros(len(hidden))
            for sign, members in ((1.0, (total,)), (-1.0, parts)):
                for c in members:
                    if c.hidden:
                        row[column[id(c)]] += sign
            if row.any():
                rows.append(row)
        if not rows:
            return False
        # x_i is fixed by the relations iff the null space of the system has no
        # component along it
        system = np.array(rows)
        _, singular, vh = np.linalg.svd(system)
        rank = int((singular > 1e-9 * singular.max()).sum())
        free = np.abs(vh[rank:]).sum(axis=0) if rank < len(hidden) else np.zeros(len(hidden))
        for i in np.flatnonzero(free < 1e-9):
            cell = hidden[i]
            for total, parts in self.relations:
                if cell in (total, *parts) and self._hide_one(total, parts):
                    return True
        return False

    @staticmethod
    def _hide_one(total: Cell, parts: tuple[Cell, ...]) -> bool:
        """Hide the smallest visible non-zero part, or else the total; False if neither can
        be (everything left is zero or hidden already)."""
        candidates = ([c for c in parts if not c.hidden and c.value > 0]
                      or [c for c in (total,) if not c.hidden and c.value > 0])
        if not candidates:
            return False
        min(candidates, key=lambda c: c.value).hidden = True
        return True

    def rate(self, part: Cell, whole: Cell) -> float | None:
        """part / whole in per cent, or None when showing it could give back a hidden count
        (either side hidden, or the rest of the whole a small count)."""
        if not whole.value:
            return None
        if part.hidden or whole.hidden or self.small(whole.value - part.value):
            return None
        return 100 * part.value / whole.value

    def chart_value(self, cell: Cell) -> int | float | None:
        """What a chart may draw: nothing for a hidden count."""
        return None if cell.hidden else cell.value
