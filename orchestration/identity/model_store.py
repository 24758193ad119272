"""Trained linkage models, kept in the warehouse and versioned by the hash of their content.

A run uses the active trained model as it is. Training happens only when asked for, when no
trained model exists yet, or when the code's comparisons no longer match the stored model's
(its SQL would read columns that changed); each training adds a version, never overwrites.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orchestration.identity.comparisons import splink_settings
from orchestration.identity.threshold import Calibration
from orchestration.warehouse import Warehouse

_VOLATILE = ("linker_uid",)


def _digest(model: dict[str, Any]) -> str:
    stable = {k: v for k, v in model.items() if k not in _VOLATILE}
    return hashlib.sha256(json.dumps(stable, sort_keys=True).encode()).hexdigest()[:12]


def spec_version() -> str:
    """Hash of what the code compares (SQL of every level, blocking), not of parameters."""
    model = splink_settings()
    spec = {
        "comparisons": [[level["sql_condition"] for level in c["comparison_levels"]]
                        for c in model["comparisons"]],
        "blocking": model["blocking_rules_to_generate_predictions"],
    }
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class LinkageModel:
    """A Splink model (settings JSON with m/u) and where it came from."""

    settings: dict[str, Any]
    kind: str  # "trained" or "prior"
    version: str
    spec: str  # spec_version() of the code that built it
    reason: str = ""
    from_priors: tuple[str, ...] = ()  # "comparison: level" whose m or u training never saw
    calibration: Calibration | None = None  # its link threshold, chosen from its own scores

    @classmethod
    def of(cls, settings: dict[str, Any], kind: str, reason: str = "",
           from_priors: tuple[str, ...] = ()) -> LinkageModel:
        """A model built now, by this code (so of the current spec)."""
        clean = {k: v for k, v in copy.deepcopy(settings).items() if k not in _VOLATILE}
        return cls(clean, kind, _digest(clean), spec_version(), reason, from_priors)


def prior_model() -> LinkageModel:
    """The untrained model, without term-frequency adjustments: in a population too small to
    train on, a name's frequency mostly counts the very duplicates being looked for."""
    settings = splink_settings()
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    return LinkageModel.of(settings, "prior", "not enough records to train yet", ("all",))


# Columns added after the table first shipped, added to older warehouses in place.
_LATER_COLUMNS = {"from_priors": "varchar", "link_threshold": "double precision",
                  "expected_precision": "double precision",
                  "expected_recall": "double precision"}
_COLUMNS = ("model_version", "kind", "spec_version", "created_at", "trained_on_records",
            "seed", "reason", "is_active", "model_json", *_LATER_COLUMNS)


def ensure_table(wh: Warehouse) -> None:
    wh.execute("""create table if not exists identity.model_versions (
        model_version varchar, kind varchar, spec_version varchar, created_at timestamp,
        trained_on_records bigint, seed integer, reason varchar, is_active boolean,
        model_json varchar)""")
    wh.add_columns("identity.model_versions", _LATER_COLUMNS)


def active_trained_model(wh: Warehouse) -> LinkageModel | None:
    ensure_table(wh)
    rows = wh.rows("select model_json, model_version, spec_version, from_priors,"
                   " link_threshold, expected_precision, expected_recall"
                   " from identity.model_versions where is_active and kind = 'trained'")
    if not rows:
        return None
    model_json, version, spec, priors, threshold, precision, recall = rows[0]
    calibration = None if threshold is None else Calibration(threshold, precision, recall, 0)
    return LinkageModel(json.loads(model_json), "trained", version, spec,
                        from_priors=tuple(priors.split("; ")) if priors else (),
                        calibration=calibration)


def record_model(wh: Warehouse, model: LinkageModel, now: datetime, records: int,
                 seed: int) -> None:
    """Store a model version; a trained one becomes the active model."""
    ensure_table(wh)
    if model.kind == "trained":
        wh.execute("update identity.model_versions set is_active = false where is_active")
    exists = wh.scalar("select count(*) from identity.model_versions where model_version = ?",
                       [model.version])
    if exists:
        wh.execute("update identity.model_versions set is_active = ? where model_version = ?",
                   [model.kind == "trained", model.version])
        return
    calibration = model.calibration
    wh.execute(f"insert into identity.model_versions ({', '.join(_COLUMNS)})"
               f" values ({', '.join('?' * len(_COLUMNS))})", [
        model.version, model.kind, model.spec, now, records, seed,
        model.reason, model.kind == "trained", json.dumps(model.settings, sort_keys=True),
        "; ".join(model.from_priors),
        calibration.threshold if calibration else None,
        calibration.expected_precision if calibration else None,
        calibration.expected_recall if calibration else None])
