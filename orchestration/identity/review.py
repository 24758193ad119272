"""The review queue: pairs the model is unsure about, with the evidence, for a person to decide.

A pair stays queued until a reviewer decides it in the overrides file or other evidence puts
both records in one person; each run refreshes the person_ids shown beside the records. One
question per pair of people: only the strongest record pair between two people is shown.
"""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from orchestration.identity.registry import Registry
from orchestration.warehouse import Warehouse

_COLUMNS = ("record_key_l", "record_key_r", "person_id_l", "person_id_r", "match_probability",
            "match_weight", "evidence", "model_version", "queued_at")


def ensure_table(wh: Warehouse) -> None:
    wh.execute("""create table if not exists identity.review_queue (
        record_key_l varchar, record_key_r varchar, person_id_l varchar, person_id_r varchar,
        match_probability double precision, match_weight double precision, evidence varchar,
        model_version varchar, queued_at timestamp)""")


def refresh_queue(wh: Warehouse, uncertain: pa.Table, model_version: str,
                  registry: Registry, decided: set[tuple[str, str]], now: datetime) -> int:
    """Rewrite identity.review_queue (inside the caller's transaction); returns its size.

    `uncertain` are scored pairs (SCORED_SCHEMA) below the link threshold.
    """
    ensure_table(wh)
    queue = {(r[0], r[1]): list(r) for r in wh.rows(
        f"select {', '.join(_COLUMNS)} from identity.review_queue")}
    for p in uncertain.to_pylist():
        queue.setdefault((p["record_key_l"], p["record_key_r"]), [
            p["record_key_l"], p["record_key_r"], None, None, p["match_probability"],
            p["match_weight"], p["evidence"], model_version, now])
    registry.include(wh, {key for pair in queue for key in pair})
    best: dict[tuple, list] = {}
    for pair, row in sorted(queue.items()):
        left, right = registry.person_of(pair[0]), registry.person_of(pair[1])
        if pair in decided or left == right:
            continue
        row[2:4] = [left, right]
        people = (min(left, right), max(left, right))
        if people not in best or row[4] > best[people][4]:
            best[people] = row
    rows = sorted(best.values(), key=lambda r: (r[0], r[1]))
    types = {"match_probability": pa.float64(), "match_weight": pa.float64(),
             "queued_at": pa.timestamp("us")}
    wh.execute("delete from identity.review_queue")
    wh.insert_arrow("identity.review_queue", pa.table({
        name: pa.array([r[i] for r in rows], types.get(name, pa.string()))
        for i, name in enumerate(_COLUMNS)}))
    return len(rows)
