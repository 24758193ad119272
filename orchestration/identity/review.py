"""The review queue: pairs the model is unsure about, with the evidence, for a person to decide.

A pair stays in the review band until a reviewer decides it in the overrides file or other
evidence puts both records in one person; each run refreshes the person_ids shown beside the
records. One question per pair of people: only the strongest record pair between two people
is shown. The band is ranked by impact (a decision that changes a client's grade first, then
one that changes a de-duplicated HUD count, then by probability); the queue is its first
`capacity` pairs, what a person can clear, and the rest wait their turn.
"""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from orchestration.identity.registry import Registry
from orchestration.warehouse import Warehouse

_COLUMNS = ("record_key_l", "record_key_r", "person_id_l", "person_id_r", "match_probability",
            "match_weight", "evidence", "model_version", "queued_at")
_RANKING = {"impact": "varchar", "priority": "integer", "queued": "boolean"}
CHANGES_GRADE = "changes a grade"
CHANGES_HUD_COUNT = "changes a de-duplicated HUD count"


def ensure_table(wh: Warehouse) -> None:
    wh.execute("""create table if not exists identity.review_queue (
        record_key_l varchar, record_key_r varchar, person_id_l varchar, person_id_r varchar,
        match_probability double precision, match_weight double precision, evidence varchar,
        model_version varchar, queued_at timestamp)""")
    wh.add_columns("identity.review_queue", _RANKING)


def _impacts(wh: Warehouse, people: set[str]) -> tuple[dict[str, str], set[str]]:
    """The last published grade of these people, and those of them holding an HMIS record."""
    grades: dict[str, str] = {}
    if wh.table_exists("marts", "client_momentum"):
        grades = dict(wh.rows("select person_id, grade from marts.client_momentum"
                              " where person_id = any(?)", [sorted(people)]))
    in_hmis = {p for (p,) in wh.rows("select distinct person_id from identity.crosswalk"
                                     " where source = 'hmis' and person_id = any(?)",
                                     [sorted(people)])}
    return grades, in_hmis


def _impact(left: str, right: str, grades: dict[str, str], in_hmis: set[str]) -> str:
    if left in grades and right in grades and grades[left] != grades[right]:
        return CHANGES_GRADE
    if left in in_hmis and right in in_hmis:
        return CHANGES_HUD_COUNT
    return ""


def refresh_queue(wh: Warehouse, uncertain: pa.Table, model_version: str,
                  registry: Registry, decided: set[tuple[str, str]], now: datetime,
                  capacity: int) -> int:
    """Rewrite identity.review_queue (inside the caller's transaction); returns how many
    pairs are queued (at most `capacity`).

    `uncertain` are scored pairs (SCORED_SCHEMA) in the review band.
    """
    ensure_table(wh)
    queue = {(row["record_key_l"], row["record_key_r"]): row for row in (
        dict(zip(_COLUMNS, values, strict=True)) for values in wh.rows(
            f"select {', '.join(_COLUMNS)} from identity.review_queue"))}
    for p in uncertain.to_pylist():
        queue.setdefault((p["record_key_l"], p["record_key_r"]), {
            "record_key_l": p["record_key_l"], "record_key_r": p["record_key_r"],
            "person_id_l": None, "person_id_r": None,
            "match_probability": p["match_probability"], "match_weight": p["match_weight"],
            "evidence": p["evidence"], "model_version": model_version, "queued_at": now})
    registry.include(wh, {key for pair in queue for key in pair})
    best: dict[tuple, dict] = {}
    for pair, row in sorted(queue.items()):
        left, right = registry.person_of(pair[0]), registry.person_of(pair[1])
        if pair in decided or left == right:
            continue
        row |= {"person_id_l": left, "person_id_r": right}
        people = (min(left, right), max(left, right))
        if people not in best or row["match_probability"] > best[people]["match_probability"]:
            best[people] = row
    grades, in_hmis = _impacts(wh, {p for row in best.values()
                                    for p in (row["person_id_l"], row["person_id_r"])})
    order = (CHANGES_GRADE, CHANGES_HUD_COUNT, "")
    ranked = sorted(
        ({**row, "impact": _impact(row["person_id_l"], row["person_id_r"], grades, in_hmis)}
         for row in best.values()),
        key=lambda r: (order.index(r["impact"]), -r["match_probability"], r["record_key_l"],
                       r["record_key_r"]))
    rows = [{**row, "priority": rank, "queued": rank <= capacity}
            for rank, row in enumerate(ranked, start=1)]
    types = {"match_probability": pa.float64(), "match_weight": pa.float64(),
             "queued_at": pa.timestamp("us"), "priority": pa.int32(), "queued": pa.bool_()}
    wh.execute("delete from identity.review_queue")
    wh.insert_arrow("identity.review_queue", pa.table({
        name: pa.array([r[name] for r in rows], types.get(name, pa.string()))
        for name in (*_COLUMNS, *_RANKING)}))
    return min(len(rows), capacity)
