"""Deterministic linkage: strict rules that say two person records are one person.

Rules, strongest first (the first that links a pair is the one logged):
- `intake_client_id`: intake submissions with the same intake system id at one site;
- `intake_hmis_id`: an intake submission that names the HMIS PersonalID at its site;
- `name_dob`: same normalised first and last name and the same trusted date of birth;
- `name_contact`: same normalised first and last name and the same email or phone.
Placeholder names ("Anonymous", "Unknown", ...) never link by name.
"""

from __future__ import annotations

from collections.abc import Iterable

from orchestration.identity import normalize
from orchestration.identity.records import PersonRecord


class UnionFind:
    """Disjoint sets over record keys; remembers the rule of the union that joined two sets."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def add(self, key: str) -> None:
        self.parent.setdefault(key, key)

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return True

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key in self.parent:
            out.setdefault(self.find(key), []).append(key)
        return out


def blocking_keys(record: PersonRecord) -> list[tuple[str, tuple]]:
    """The (rule, key) pairs under which two records that share the key are one person."""
    keys: list[tuple[str, tuple]] = []
    if record.source == "intake" and record.intake_client_id:
        keys.append(("intake_client_id", (record.site, record.intake_client_id)))
    if record.source == "intake" and record.hmis_personal_id:
        keys.append(("intake_hmis_id", (record.site, record.hmis_personal_id)))
    if record.source == "hmis":
        keys.append(("intake_hmis_id", (record.site, record.source_record_id)))
    if not normalize.is_placeholder(record.first, record.last):
        if record.dob:
            keys.append(("name_dob", (record.first, record.last, record.dob)))
        if record.email:
            keys.append(("name_contact", (record.first, record.last, "email", record.email)))
        if record.phone:
            keys.append(("name_contact", (record.first, record.last, "phone", record.phone)))
    return keys


def link(records: Iterable[PersonRecord]) -> tuple[UnionFind, dict[str, str]]:
    """Union every pair of records that share a rule key.

    Returns the sets and, for each record joined to another, the rule that first joined it.
    """
    sets = UnionFind()
    first_holder: dict[tuple[str, tuple], str] = {}
    rule_of: dict[str, str] = {}
    for record in records:
        sets.add(record.record_key)
        for rule, key in blocking_keys(record):
            holder = first_holder.setdefault((rule, key), record.record_key)
            if holder != record.record_key and sets.union(holder, record.record_key):
                rule_of.setdefault(record.record_key, rule)
                rule_of.setdefault(holder, rule)
    return sets, rule_of
