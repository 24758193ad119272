"""The persistent person registry: IDs issued once, never renumbered, merges logged.

Each run re-derives which records belong together, then maps those groups onto the IDs
already issued: a group with no ID gets the next one, a group with one keeps it, and a group
that now joins several IDs keeps the oldest and retires the rest through `merge_log`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from orchestration.identity.deterministic import link
from orchestration.identity.records import PERSON_RECORD_COLUMNS, PersonRecord
from orchestration.warehouse import Warehouse

ID_PREFIX = "P"
ID_DIGITS = 7


def format_person_id(number: int) -> str:
    return f"{ID_PREFIX}{number:0{ID_DIGITS}d}"


def person_number(person_id: str) -> int:
    return int(person_id[len(ID_PREFIX):])


@dataclass(frozen=True)
class RegistrySummary:
    records: int
    new_records: int
    persons_issued: int
    merges: int
    active_persons: int


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


def _person_records_table(records: list[PersonRecord]) -> pa.Table:
    rows = [r.as_row() for r in records]
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in PERSON_RECORD_COLUMNS]
    types = {"dob": pa.date32()}
    return pa.table({
        name: pa.array(list(col), type=types.get(name, pa.string()))
        for name, col in zip(PERSON_RECORD_COLUMNS, columns, strict=True)
    })


def assign_person_ids(
    wh: Warehouse, records: Iterable[PersonRecord], now: datetime
) -> RegistrySummary:
    """Link the records and write persons, crosswalk, merge log and person records, atomically."""
    ensure_tables(wh)
    records = list(records)
    by_key = {r.record_key: r for r in records}
    crosswalk = {k: list(rest) for k, *rest in wh.rows(
        "select record_key, source, site, source_record_id, person_id, link_rule, linked_at"
        " from identity.crosswalk")}
    persons = {pid: [issued, status, into] for pid, issued, status, into in wh.rows(
        "select person_id, issued_at, status, merged_into from identity.persons")}

    sets, rule_of = link(records)
    # Records once linked stay linked even if a later edit breaks the rule that joined them.
    members_of: dict[str, str] = {}
    for key, row in crosswalk.items():
        sets.add(key)
        holder = members_of.setdefault(row[3], key)
        sets.union(holder, key)

    next_number = max((person_number(p) for p in persons), default=0) + 1
    issued = merges = 0
    merge_rows: list[tuple] = []
    groups = sorted(sets.groups().values(), key=min)
    for group in groups:
        existing = sorted({crosswalk[k][3] for k in group if k in crosswalk}, key=person_number)
        if existing:
            survivor = existing[0]
            for retired in existing[1:]:
                persons[retired][1:] = ["merged", survivor]
                evidence = sorted({rule_of.get(k, "") for k in group if k not in crosswalk} - {""})
                merge_rows.append((now, retired, survivor, "deterministic",
                                   "new records linked both people: " + ", ".join(evidence)))
                merges += 1
        else:
            survivor = format_person_id(next_number)
            next_number += 1
            issued += 1
            persons[survivor] = [now, "active", None]
        for key in group:
            if key in crosswalk:
                crosswalk[key][3] = survivor
            else:
                r = by_key[key]
                crosswalk[key] = [r.source, r.site, r.source_record_id, survivor,
                                  rule_of.get(key, "source_record"), now]
    new_records = sum(1 for row in crosswalk.values() if row[5] == now)

    cw_keys = sorted(crosswalk)
    cw_cols = list(zip(*(crosswalk[k] for k in cw_keys), strict=True)) if cw_keys else [[]] * 6
    crosswalk_table = pa.table({
        "record_key": pa.array(cw_keys, pa.string()),
        "source": pa.array(cw_cols[0], pa.string()),
        "site": pa.array(cw_cols[1], pa.string()),
        "source_record_id": pa.array(cw_cols[2], pa.string()),
        "person_id": pa.array(cw_cols[3], pa.string()),
        "link_rule": pa.array(cw_cols[4], pa.string()),
        "linked_at": pa.array(cw_cols[5], pa.timestamp("us")),
    })
    p_keys = sorted(persons, key=person_number)
    persons_table = pa.table({
        "person_id": pa.array(p_keys, pa.string()),
        "issued_at": pa.array([persons[p][0] for p in p_keys], pa.timestamp("us")),
        "status": pa.array([persons[p][1] for p in p_keys], pa.string()),
        "merged_into": pa.array([persons[p][2] for p in p_keys], pa.string()),
    })
    with wh.transaction():
        wh.execute("delete from identity.crosswalk")
        wh.insert_arrow("identity.crosswalk", crosswalk_table)
        wh.execute("delete from identity.persons")
        wh.insert_arrow("identity.persons", persons_table)
        if merge_rows:
            wh.con.executemany("insert into identity.merge_log values (?, ?, ?, ?, ?)", merge_rows)
        wh.replace_arrow("identity.person_records", _person_records_table(records))
    return RegistrySummary(
        records=len(records),
        new_records=new_records,
        persons_issued=issued,
        merges=merges,
        active_persons=sum(1 for p in persons.values() if p[1] == "active"),
    )
