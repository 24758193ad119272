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

    @property
    def pair(self) -> tuple[str, str]:
        return self.record_key_l, self.record_key_r

    def describe(self) -> str:
        score = f" p={self.match_probability:.4f}" if self.match_probability is not None else ""
        return f"{self.rule} {self.record_key_l} ~ {self.record_key_r}{score} {self.evidence}"


_COLUMNS = ("record_key_l", "record_key_r", "rule", "match_probability", "match_weight",
            "evidence", "model_version", "linked_at")


def ensure_table(wh: Warehouse) -> None:
    wh.execute("""create table if not exists identity.link_edges (
        record_key_l varchar, record_key_r varchar, rule varchar,
        match_probability double precision, match_weight double precision, evidence varchar,
        model_version varchar, linked_at timestamp)""")


def load_links(wh: Warehouse, keys: set[str]) -> list[Link]:
    """The stored links from these record keys (a run loads only the records it regroups)."""
    ensure_table(wh)
    return [Link(*row) for row in wh.rows(
        f"select {', '.join(_COLUMNS)} from identity.link_edges where record_key_l = any(?)"
        " order by record_key_l, record_key_r", [sorted(keys)])]


def append_links(wh: Warehouse, links: list[Link]) -> None:
    if not links:
        return
    types = {"match_probability": pa.float64(), "match_weight": pa.float64(),
             "linked_at": pa.timestamp("us")}
    wh.insert_arrow("identity.link_edges", pa.table({
        name: pa.array([getattr(link, name) for link in links], types.get(name, pa.string()))
        for name in _COLUMNS}))
