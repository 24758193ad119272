"""Group records into people: union-find over links, strongest first, with cannot-link pairs.

Links arrive in order of authority (reviewed force-links, source identifiers, links earlier
runs made, then scored links by falling probability). A union that would put two records a
reviewer force-split into one person is refused, so a reviewed split always wins.

Records are numbered in record key order and the sets kept as one integer per record: a
first run groups millions of records, which as string-keyed dicts would take gigabytes.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NO_RULE = "source_record"  # the link rule of a record no link joined to another
_UNION_BATCH = 500_000  # links converted to Python at a time


class ConstrainedUnionFind:
    """Disjoint sets of records 0..size-1; each set remembers the records it may never join.

    A set's root is its smallest record, so numbering records in key order makes the result
    the one string keys would give.
    """

    def __init__(self, size: int, cannot_link: Iterable[tuple[int, int]] = ()) -> None:
        self.parent = list(range(size))
        self.forbidden: dict[int, set[int]] = {}
        self.rule_of = bytearray(size)  # the rule (> 0) of the first union that joined a record
        self.refused: list[tuple[int, int, int]] = []
        for a, b in cannot_link:
            self.forbidden.setdefault(a, set()).add(b)
            self.forbidden.setdefault(b, set()).add(a)

    def find(self, record: int) -> int:
        parent = self.parent
        root = record
        while parent[root] != root:
            root = parent[root]
        while parent[record] != root:
            parent[record], record = root, parent[record]
        return root

    def _may_join(self, ra: int, rb: int) -> bool:
        small, large = sorted((ra, rb), key=lambda r: len(self.forbidden.get(r, ())))
        return all(self.find(k) != large for k in self.forbidden.get(small, ()))

    def union(self, a: int, b: int, rule: int) -> bool:
        """Join the sets of a and b; False when already joined or when a reviewer forbade it."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.forbidden and not self._may_join(ra, rb):
            self.refused.append((a, b, rule))
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        if rb in self.forbidden:
            self.forbidden.setdefault(ra, set()).update(self.forbidden.pop(rb))
        for record in (a, b):
            if not self.rule_of[record]:
                self.rule_of[record] = rule
        return True

    def groups(self) -> np.ndarray:
        """The group of every record, groups numbered in order of their smallest record."""
        group_of = array("q", bytes(8 * len(self.parent)))
        count = 0
        for record in range(len(self.parent)):
            root = self.find(record)
            if root == record:
                group_of[record], count = count, count + 1
            else:
                group_of[record] = group_of[root]
        return np.frombuffer(group_of, dtype=np.int64)


def record_numbers(keys: pa.Array, wanted: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The numbers (positions in `keys`) of the `wanted` keys, every one of which must be there."""
    found = pc.index_in(wanted, value_set=keys)
    if found.null_count:
        raise ValueError("a link or decision names a record the run does not regroup")
    return found


@dataclass
class Grouping:
    """The people a run's records form: record i (of `keys`, sorted) is in group_of[i]."""

    keys: pa.Array
    group_of: np.ndarray
    count: int  # of groups
    rule_of: pa.Array  # the rule of the link that first joined each record, or NO_RULE
    refused: list[tuple[str, str, str]]  # links a force-split refused: (key, key, rule)

    def members_of(self, groups: Iterable[int]) -> tuple[pa.Array, np.ndarray]:
        """The record keys of these groups, in key order, and the group of each."""
        positions = np.flatnonzero(np.isin(self.group_of, list(groups)))
        return self.keys.take(positions), self.group_of[positions]


def group_records(keys: pa.Array, links: pa.Table,
                  cannot_link: list[tuple[str, str]]) -> Grouping:
    """Union the records `keys` (sorted, unique) along `links` (link_edges rows, in order of
    authority), never joining a cannot-link pair."""
    sets = ConstrainedUnionFind(len(keys), [
        tuple(record_numbers(keys, pa.array(pair, pa.string())).to_pylist())
        for pair in cannot_link])
    rules = pc.unique(links.column("rule"))
    left = record_numbers(keys, links.column("record_key_l"))
    right = record_numbers(keys, links.column("record_key_r"))
    code = pc.add(pc.index_in(links.column("rule"), value_set=rules), 1)
    for start in range(0, links.num_rows, _UNION_BATCH):
        for a, b, rule in zip(*(column.slice(start, _UNION_BATCH).to_pylist()
                                for column in (left, right, code)), strict=True):
            sets.union(a, b, rule)
    names = pa.concat_arrays([pa.array([NO_RULE], pa.string()), rules])
    rule_of = names.take(pa.array(np.frombuffer(sets.rule_of, np.uint8)))
    refused = [(keys[a].as_py(), keys[b].as_py(), names[rule].as_py())
               for a, b, rule in sets.refused]
    group_of = sets.groups()
    return Grouping(keys, group_of, int(group_of.max(initial=-1)) + 1, rule_of, refused)
