"""The persistent person registry: IDs issued once, never renumbered or reused; merges logged.

Each run groups records into people (see `clustering.py`), then maps the groups onto the IDs
already issued. An ID stays with the group holding most of its records; a group holding
several IDs keeps the oldest and retires the rest through `merge_log` (the retired ID then
resolves to the survivor in `persons.merged_into`); a group holding none gets the next ID.
Records a reviewed force-split moved out of their person get a new ID, logged in `split_log`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from orchestration.identity.clustering import Grouping, record_numbers
from orchestration.warehouse import Warehouse

ID_PREFIX = "P"
ID_DIGITS = 7


def format_person_id(number: int) -> str:
    return f"{ID_PREFIX}{number:0{ID_DIGITS}d}"


def person_number(person_id: str) -> int:
    return int(person_id[len(ID_PREFIX):])


def ensure_tables(wh: Warehouse) -> None:
    wh.execute("""create table if not exists identity.persons (
        person_id varchar primary key, issued_at timestamp, status varchar,
        merged_into varchar)""")
    wh.execute("""create table if not exists identity.crosswalk (
        record_key varchar primary key, source varchar, site varchar,
        source_record_id varchar, person_id varchar, link_rule varchar,
        linked_at timestamp)""")
    wh.execute("""create table if not exists identity.merge_log (
        merged_at timestamp, retired_person_id varchar, surviving_person_id varchar,
        rule varchar, evidence varchar)""")
    wh.execute("""create table if not exists identity.split_log (
        split_at timestamp, person_id varchar, new_person_id varchar, records_moved integer,
        rule varchar, evidence varchar)""")


@dataclass
class CrosswalkRow:
    """A record's row of identity.crosswalk (its key is the registry's dict key)."""

    source: str
    site: str
    source_record_id: str
    person_id: str
    link_rule: str
    linked_at: datetime


@dataclass
class PersonRow:
    """A person_id's row of identity.persons."""

    issued_at: datetime
    status: str
    merged_into: str | None


CROSSWALK_COLUMNS = tuple(f.name for f in fields(CrosswalkRow))
PERSON_COLUMNS = tuple(f.name for f in fields(PersonRow))


@dataclass
class Registry:
    """The rows of the issued IDs and the crosswalk a run reads, as the last run left them.

    Only the records a run may regroup are loaded (see `affected.py`), plus any it needs to
    show; what is written back is only what changed (`write_registry`).
    """

    crosswalk: dict[str, CrosswalkRow] = field(default_factory=dict)  # by record_key
    persons: dict[str, PersonRow] = field(default_factory=dict)  # by person_id
    next_number: int = 1  # of the next person_id to issue
    # a copy of each row as read, by record key / person_id
    loaded: dict[str, CrosswalkRow | PersonRow] = field(default_factory=dict)

    @classmethod
    def load(cls, wh: Warehouse, keys: list[str] | None) -> Registry:
        """The rows of these record keys (None: the whole crosswalk) and their persons."""
        ensure_tables(wh)
        registry = cls(next_number=(wh.scalar(
            f"select max(cast(substr(person_id, {len(ID_PREFIX) + 1}) as integer))"
            " from identity.persons") or 0) + 1)
        registry.include(wh, keys)
        return registry

    def include(self, wh: Warehouse, keys: Iterable[str] | None) -> None:
        """Load the crosswalk rows of these record keys (None: all), and their persons, if not
        loaded."""
        where, params = "", None
        if keys is not None:
            where = " where record_key = any(?)"
            params = [sorted(set(keys) - self.crosswalk.keys())]
        for key, *values in wh.rows(
                f"select record_key, {', '.join(CROSSWALK_COLUMNS)}"
                f" from identity.crosswalk{where}", params):
            self.crosswalk[key] = CrosswalkRow(*values)
            self.loaded[key] = replace(self.crosswalk[key])
        pids = sorted({row.person_id for row in self.crosswalk.values()} - self.persons.keys())
        for pid, *values in wh.rows(f"select person_id, {', '.join(PERSON_COLUMNS)}"
                                    " from identity.persons where person_id = any(?)", [pids]):
            self.persons[pid] = PersonRow(*values)
            self.loaded[pid] = replace(self.persons[pid])

    def person_of(self, key: str) -> str | None:
        row = self.crosswalk.get(key)
        return row.person_id if row else None

    def changed(self, rows: dict[str, CrosswalkRow] | dict[str, PersonRow]) -> list[str]:
        """Keys of `rows` (crosswalk or persons) that are new or differ from what was read."""
        return sorted(k for k, row in rows.items() if self.loaded.get(k) != row)


@dataclass
class Assignment:
    """What one run changed: the person_id of each group, and the rows to append to merge_log
    and split_log."""

    person_ids: list[str] = field(default_factory=list)
    issued: int = 0
    merges: list[tuple] = field(default_factory=list)
    splits: list[tuple] = field(default_factory=list)


def registered_members(registry: Registry, grouping: Grouping) -> dict[int, list[str]]:
    """Group -> its records that had a person_id before this run, in key order."""
    keys = sorted(registry.crosswalk)
    numbers = record_numbers(grouping.keys, pa.array(keys, pa.string())).to_numpy()
    members: dict[int, list[str]] = {}
    for key, group in zip(keys, grouping.group_of[numbers].tolist(), strict=True):
        members.setdefault(group, []).append(key)
    return members


def _holders(members: dict[int, list[str]], registry: Registry) -> dict[str, int]:
    """Old person_id -> the group that keeps it (most of its records; then first)."""
    counts: dict[str, Counter[int]] = {}
    for index, keys in sorted(members.items()):
        for key in keys:
            counts.setdefault(registry.crosswalk[key].person_id, Counter())[index] += 1
    return {pid: min(c, key=lambda i: (-c[i], i)) for pid, c in counts.items()}


def assign_ids(registry: Registry, grouping: Grouping, members: dict[int, list[str]],
               merge_evidence: dict[int, tuple[str, str]], now: datetime) -> Assignment:
    """Map groups onto person_ids, updating the crosswalk rows of `members` (see
    `registered_members`) in place; the rows of new records are `new_crosswalk`'s.

    `merge_evidence[i]` is (rule, evidence) for group i when it joins several old IDs.
    """
    out = Assignment()
    held_by: dict[int, list[str]] = {}
    for pid, index in _holders(members, registry).items():
        held_by.setdefault(index, []).append(pid)
    next_number = registry.next_number
    for index in range(grouping.count):
        held = sorted(held_by.get(index, []), key=person_number)
        if held:
            survivor, retired = held[0], held[1:]
        else:
            survivor, retired = format_person_id(next_number), []
            next_number += 1
            out.issued += 1
            registry.persons[survivor] = PersonRow(now, "active", None)
        out.person_ids.append(survivor)
        rule, evidence = merge_evidence.get(index, ("", ""))
        for pid in retired:
            registry.persons[pid] = replace(registry.persons[pid], status="merged",
                                            merged_into=survivor)
            out.merges.append((now, pid, survivor, rule, evidence))
        keys = members.get(index, [])
        moved = Counter(registry.person_of(k) for k in keys
                        if registry.person_of(k) not in held)
        for old, count in sorted(moved.items()):
            out.splits.append((now, old, survivor, count, "override_split",
                               "a reviewed force-split separated these records"))
        for key in keys:
            registry.crosswalk[key].person_id = survivor
    registry.next_number = next_number
    return out


def new_crosswalk(records: pa.Table, grouping: Grouping, assignment: Assignment,
                  registry: Registry, now: datetime) -> pa.Table:
    """Crosswalk rows of the grouped records that had none, built in Arrow from `records`
    (identity.person_records columns): a first run has millions."""
    keys = records.column("record_key")
    fresh = pc.and_(pc.is_in(keys, value_set=grouping.keys), pc.invert(
        pc.is_in(keys, value_set=pa.array(list(registry.crosswalk), pa.string()))))
    rows = records.select(["record_key", "source", "site", "source_record_id"]).filter(fresh)
    numbers = record_numbers(grouping.keys, rows.column("record_key"))
    person_ids = pa.array(assignment.person_ids, pa.string()).take(
        pa.array(grouping.group_of[numbers.to_numpy()]))
    return rows.append_column("person_id", person_ids).append_column(
        "link_rule", grouping.rule_of.take(numbers)).append_column(
        "linked_at", pa.repeat(pa.scalar(now, pa.timestamp("us")), rows.num_rows))


def _rows_table(key: str, keys: list[str], rows: list, row_type: type) -> pa.Table:
    """The rows (of `row_type`) as an Arrow table: their key column, then a column per field."""
    return pa.table({key: pa.array(keys, pa.string()), **{
        f.name: pa.array([getattr(r, f.name) for r in rows],
                         pa.timestamp("us") if f.type == "datetime" else pa.string())
        for f in fields(row_type)}})


def write_registry(wh: Warehouse, registry: Registry, assignment: Assignment,
                   new_rows: pa.Table) -> None:
    """Rewrite the changed crosswalk and persons rows, add `new_rows` (`new_crosswalk`) and
    append the logs (in the caller's transaction). A retired ID points at the current
    survivor, even after a chain of merges: IDs merged into one retired now move on to its
    survivor."""
    keys = registry.changed(registry.crosswalk)
    wh.execute("delete from identity.crosswalk where record_key = any(?)", [keys])
    wh.insert_arrow("identity.crosswalk", pa.concat_tables([
        _rows_table("record_key", keys, [registry.crosswalk[k] for k in keys], CrosswalkRow),
        new_rows]))
    pids = sorted(registry.changed(registry.persons), key=person_number)
    wh.execute("delete from identity.persons where person_id = any(?)", [pids])
    wh.insert_arrow("identity.persons", _rows_table(
        "person_id", pids, [registry.persons[p] for p in pids], PersonRow))
    if assignment.merges:
        wh.executemany("insert into identity.merge_log values (?, ?, ?, ?, ?)",
                       assignment.merges)
        wh.executemany("update identity.persons set merged_into = ? where merged_into = ?",
                       [(survivor, retired) for _, retired, survivor, _, _ in assignment.merges])
    if assignment.splits:
        wh.executemany("insert into identity.split_log values (?, ?, ?, ?, ?, ?)",
                       assignment.splits)
