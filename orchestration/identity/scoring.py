"""Score candidate pairs with the linkage model: new records against the existing population
and against each other, never existing against existing (that was done when they arrived)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from splink import Linker

from orchestration.identity.model_store import LinkageModel
from orchestration.identity.workspace import Workspace


@dataclass(frozen=True)
class ScoredPair:
    record_key_l: str
    record_key_r: str
    match_probability: float
    match_weight: float
    evidence: str  # JSON: field -> level label, e.g. {"name": "nickname", "dob": "exact"}


def level_labels(settings: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Per comparison, gamma value -> level label (Splink numbers levels n-1 .. 0, null -1)."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in settings["comparisons"]:
        levels = comparison["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        by_gamma = {len(non_null) - 1 - i: lv["label_for_charts"] for i, lv in enumerate(non_null)}
        by_gamma[-1] = "missing"
        labels[comparison["output_column_name"]] = by_gamma
    return labels


def score_new_records(ws: Workspace, model: LinkageModel, with_existing: bool,
                      min_probability: float) -> list[ScoredPair]:
    """Pairs involving a new record with match probability >= min_probability.

    Term frequencies come from the whole population (`records`), so a common name counts
    for as little in an incremental run as in a full one.
    """
    db_api = ws.db_api
    linker = Linker(db_api.register("records"), model.settings, log_level=logging.ERROR)
    if any("tf_adjustment_column" in level for c in model.settings["comparisons"]
           for level in c["comparison_levels"]):
        linker.table_management.compute_tf_table("full_name")
    results = [linker.inference.predict_within(
        db_api.register("new"), threshold_match_probability=min_probability,
        warning_mode="never")]
    if with_existing:
        results.append(linker.inference.predict_between(
            db_api.register("existing"), db_api.register("new"),
            threshold_match_probability=min_probability, warning_mode="never"))
    labels = level_labels(model.settings)
    fields = list(labels)
    pairs: list[ScoredPair] = []
    for result in results:
        columns = ", ".join(f"gamma_{f}" for f in fields)
        rows = ws.con.execute(
            f"select unique_id_l, unique_id_r, match_probability, match_weight, {columns}"
            f" from {result.physical_name}").fetchall()
        for key_l, key_r, probability, weight, *gammas in rows:
            evidence = {f: labels[f][g] for f, g in zip(fields, gammas, strict=True)}
            pairs.append(ScoredPair(min(key_l, key_r), max(key_l, key_r), float(probability),
                                    float(weight), json.dumps(evidence)))
        result.drop_table_from_database_and_remove_from_cache()
    return pairs
