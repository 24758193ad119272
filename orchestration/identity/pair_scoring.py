"""Score candidate pairs with the linkage model: new records against the existing population
and against each other, never existing against existing (that was done when they arrived)."""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import pyarrow as pa
from splink import Linker

from orchestration.identity.model_store import LinkageModel
from orchestration.identity.workspace import Workspace
from orchestration.warehouse.sql import literal

# Scored pairs (record_key_l < record_key_r); evidence is JSON: field -> level label,
# e.g. {"name": "nickname", "dob": "exact"}.
SCORED_SCHEMA = pa.schema([
    ("record_key_l", pa.string()), ("record_key_r", pa.string()),
    ("match_probability", pa.float64()), ("match_weight", pa.float64()),
    ("evidence", pa.string())])


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


def _evidence_sql(labels: dict[str, dict[int, str]]) -> str:
    """SQL building a pair's evidence from its gamma columns: the text `json.dumps` gives
    for {field: label}, made in DuckDB (a first run scores millions of pairs)."""
    fields = []
    for name, by_gamma in labels.items():
        cases = " ".join(f"when {gamma} then {literal(json.dumps(label))}"
                         for gamma, label in by_gamma.items())
        fields.append(f"{literal(json.dumps(name) + ': ')} || case gamma_{name} {cases} "
                      f"else error('no label for gamma_{name} = ' || gamma_{name}) end")
    if not fields:
        raise ValueError("the linkage model has no comparisons")
    return "'{' || " + " || ', ' || ".join(fields) + " || '}'"


def _linker(ws: Workspace, model: LinkageModel) -> Linker:
    """A linker over the whole population (`records`), with its term-frequency tables, so a
    common name counts for as little in an incremental run as in a full one."""
    linker = Linker(ws.db_api.register("records"), model.settings, log_level=logging.ERROR)
    adjusted = {level["tf_adjustment_column"] for c in model.settings["comparisons"]
                for level in c["comparison_levels"] if "tf_adjustment_column" in level}
    for column in sorted(adjusted):
        linker.table_management.compute_tf_table(column)
    return linker


def population_probabilities(ws: Workspace, model: LinkageModel,
                             min_probability: float) -> np.ndarray:
    """Match probabilities (>= min_probability) of every candidate pair of the population:
    what a model trained on a run that scores only new records is calibrated on."""
    result = _linker(ws, model).inference.predict(threshold_match_probability=min_probability)
    try:
        return ws.con.sql(f"select match_probability from {result.physical_name}"
                          ).fetchnumpy()["match_probability"].astype(np.float64)
    finally:
        result.drop_table_from_database_and_remove_from_cache()


def score_new_records(ws: Workspace, model: LinkageModel, with_existing: bool,
                      min_probability: float) -> pa.Table:
    """Pairs involving a new record with match probability >= min_probability
    (SCORED_SCHEMA)."""
    db_api = ws.db_api
    linker = _linker(ws, model)
    results = [linker.inference.predict_within(
        db_api.register("new"), threshold_match_probability=min_probability,
        warning_mode="never")]
    if with_existing:
        results.append(linker.inference.predict_between(
            db_api.register("existing"), db_api.register("new"),
            threshold_match_probability=min_probability, warning_mode="never"))
    evidence = _evidence_sql(level_labels(model.settings))
    parts = [SCORED_SCHEMA.empty_table()]
    for result in results:
        parts.append(ws.con.sql(
            "select least(unique_id_l, unique_id_r) as record_key_l,"
            " greatest(unique_id_l, unique_id_r) as record_key_r,"
            " cast(match_probability as double) as match_probability,"
            " cast(match_weight as double) as match_weight,"
            f" {evidence} as evidence from {result.physical_name}"
        ).to_arrow_table().cast(SCORED_SCHEMA))
        result.drop_table_from_database_and_remove_from_cache()
    return pa.concat_tables(parts)
