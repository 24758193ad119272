"""Links between records: the evidence every person is built from, kept run to run.

`identity.link_edges` holds each accepted link (reviewed, source identifier or scored) with
its rule and evidence. It is the audit trail of why two records are one person, and what a
person is re-grouped from when a reviewer force-splits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from orchestration.warehouse import Warehouse

SCORED_RULE = "splink"
OVERRIDE_LINK_RULE = "override_link"
CARRIED_RULE = "carried"  # records an earlier run put in one person stay together


@dataclass(frozen=True)
class Link:
    record_key_l: str
    record_key_r: str
    rule: str
    match_probability: float | None = None
    match_weight: float | None = None
    evidence: str = ""
    model_version: str | None = None
    linked_at: datetime | None = None

    def describe(self) -> str:
        score = f" p={self.match_probability:.4f}" if self.match_probability is not None else ""
        return f"{self.rule} {self.record_key_l} ~ {self.record_key_r}{score} {self.evidence}"


LINK_SCHEMA = pa.schema([
    ("record_key_l", pa.string()), ("record_key_r", pa.string()), ("rule", pa.string()),
    ("match_probability", pa.float64()), ("match_weight", pa.float64()),
    ("evidence", pa.string()), ("model_version", pa.string()),
    ("linked_at", pa.timestamp("us"))])


def ensure_table(wh: Warehouse) -> None:
    wh.execute("""create table if not exists identity.link_edges (
        record_key_l varchar, record_key_r varchar, rule varchar,
        match_probability double precision, match_weight double precision, evidence varchar,
        model_version varchar, linked_at timestamp)""")


def links_table(links: list[Link]) -> pa.Table:
    """Links as rows of identity.link_edges (the reviewed force-links of a run)."""
    return pa.table({f.name: pa.array([getattr(link, f.name) for link in links], f.type)
                     for f in LINK_SCHEMA}, schema=LINK_SCHEMA)


def with_columns(table: pa.Table, **values: object) -> pa.Table:
    """`table` (holding some of the link columns) as link_edges rows: the missing columns
    take the value given here, or null."""
    return pa.table({f.name: table.column(f.name) if f.name in table.column_names
                     else pa.repeat(pa.scalar(values.get(f.name), f.type), table.num_rows)
                     for f in LINK_SCHEMA}, schema=LINK_SCHEMA)


def load_links(wh: Warehouse, keys: list[str] | None) -> pa.Table:
    """The stored links from these record keys (a run loads only the records it regroups;
    None: every link)."""
    ensure_table(wh)
    where = " where record_key_l = any(?)" if keys is not None else ""
    return wh.arrow(f"select {', '.join(LINK_SCHEMA.names)} from identity.link_edges"
                    f"{where} order by record_key_l, record_key_r", LINK_SCHEMA,
                    None if keys is None else [keys])


def append_links(wh: Warehouse, links: pa.Table) -> None:
    if links.num_rows:
        wh.insert_arrow("identity.link_edges", links)
