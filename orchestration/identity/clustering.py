"""Group records into people: union-find over links, strongest first, with cannot-link pairs.

Links arrive in order of authority (reviewed force-links, source identifiers, links earlier
runs made, then scored links by falling probability). A union that would put two records a
reviewer force-split into one person is refused, so a reviewed split always wins.
"""

from __future__ import annotations

from collections.abc import Iterable


class ConstrainedUnionFind:
    """Disjoint sets of record keys; each set remembers the keys it may never join."""

    def __init__(self, cannot_link: Iterable[tuple[str, str]] = ()) -> None:
        self.parent: dict[str, str] = {}
        self.forbidden: dict[str, set[str]] = {}
        self.rule_of: dict[str, str] = {}  # the rule of the first union that joined a key
        self.refused: list[tuple[str, str, str]] = []
        for a, b in cannot_link:
            self.add(a)
            self.add(b)
            self.forbidden.setdefault(a, set()).add(b)
            self.forbidden.setdefault(b, set()).add(a)

    def add(self, key: str) -> None:
        self.parent.setdefault(key, key)

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def _may_join(self, ra: str, rb: str) -> bool:
        small, large = sorted((ra, rb), key=lambda r: len(self.forbidden.get(r, ())))
        return all(self.find(k) != large for k in self.forbidden.get(small, ()))

    def union(self, a: str, b: str, rule: str) -> bool:
        """Join the sets of a and b; False when already joined or when a reviewer forbade it."""
        self.add(a)
        self.add(b)
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if not self._may_join(ra, rb):
            self.refused.append((a, b, rule))
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        if rb in self.forbidden:
            self.forbidden.setdefault(ra, set()).update(self.forbidden.pop(rb))
        self.rule_of.setdefault(a, rule)
        self.rule_of.setdefault(b, rule)
        return True

    def groups(self) -> list[list[str]]:
        """Every set as a sorted list, sets ordered by their smallest key (deterministic)."""
        out: dict[str, list[str]] = {}
        for key in self.parent:
            out.setdefault(self.find(key), []).append(key)
        return sorted((sorted(g) for g in out.values()), key=lambda g: g[0])
