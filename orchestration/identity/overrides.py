"""The reviewed overrides file: an agency's force-link and force-split decisions.

Decisions are about source records (record keys), never about person_ids, because record
keys do not change while person_ids merge. They are applied on every run and always win.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import yaml

OVERRIDES_FILE = "identity_overrides.yaml"


class OverridesError(ValueError):
    """An overrides file that cannot be applied as written."""


@dataclass(frozen=True)
class Decision:
    records: tuple[str, ...]
    reason: str
    decided_by: str


@dataclass(frozen=True)
class Overrides:
    force_link: tuple[Decision, ...] = ()
    force_split: tuple[Decision, ...] = ()
    version: str = "none"

    def link_pairs(self) -> list[tuple[str, str, str]]:
        """Each force-link decision as a chain of (a, b, reason) links."""
        return [(a, b, d.reason) for d in self.force_link
                for a, b in zip(d.records, d.records[1:], strict=False)]

    def split_pairs(self) -> list[tuple[str, str]]:
        """Every pair of records a force-split decision keeps apart."""
        return [tuple(sorted(p)) for d in self.force_split for p in combinations(d.records, 2)]

    def decided_pairs(self) -> set[tuple[str, str]]:
        """Pairs a person already decided on (they leave the review queue)."""
        linked = {tuple(sorted(p)) for d in self.force_link for p in combinations(d.records, 2)}
        return linked | set(self.split_pairs())

    def within(self, known: set[str]) -> Overrides:
        """Only the records seen so far: a decision about a record not loaded yet waits."""

        def keep(decisions: tuple[Decision, ...]) -> tuple[Decision, ...]:
            kept = (Decision(tuple(k for k in d.records if k in known), d.reason, d.decided_by)
                    for d in decisions)
            return tuple(d for d in kept if len(d.records) >= 2)

        return Overrides(keep(self.force_link), keep(self.force_split), self.version)

    def record_keys(self) -> set[str]:
        return {k for d in (*self.force_link, *self.force_split) for k in d.records}


def _decisions(data: dict[str, Any], section: str, path: Path) -> tuple[Decision, ...]:
    entries = data.get(section) or []
    if not isinstance(entries, list):
        raise OverridesError(f"{path}: `{section}` must be a list of decisions")
    out = []
    for index, entry in enumerate(entries, start=1):
        where = f"{path}: {section} #{index}"
        if not isinstance(entry, dict):
            raise OverridesError(f"{where}: expected a mapping with `records` and `reason`")
        records = entry.get("records")
        if (not isinstance(records, list) or len(set(map(str, records))) < 2
                or not all(isinstance(r, str) and r.count(":") >= 2 for r in records)):
            raise OverridesError(
                f"{where}: `records` must list two or more record keys like hmis:north:1001")
        reason = str(entry.get("reason") or "").strip()
        if not reason:
            raise OverridesError(f"{where}: every decision needs a `reason`")
        out.append(Decision(tuple(dict.fromkeys(records)), reason,
                            str(entry.get("decided_by") or "")))
    return tuple(out)


def load_overrides(path: Path) -> Overrides:
    """Read and check the file; a missing file means no decisions yet."""
    if not path.exists():
        return Overrides()
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        raise OverridesError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise OverridesError(f"{path}: expected `force_link:` and `force_split:` lists")
    overrides = Overrides(_decisions(data, "force_link", path),
                          _decisions(data, "force_split", path),
                          hashlib.sha256(raw).hexdigest()[:12])
    linked = {tuple(sorted(p)) for d in overrides.force_link
              for p in combinations(d.records, 2)}
    both = sorted(linked & set(overrides.split_pairs()))
    if both:
        raise OverridesError(f"{path}: records both force-linked and force-split: {both[0]}")
    return overrides
