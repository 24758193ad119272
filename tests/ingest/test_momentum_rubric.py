"""The momentum rubric reaches the warehouse as rows, and an unchanged rubric writes nothing
(a nightly run should not rewrite what it already holds)."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.ingest.momentum_rubric import momentum_rubric
from orchestration.resources import CaseintelResource
from orchestration.settings import REPO_ROOT
from orchestration.warehouse import Warehouse


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    rubrics = tmp_path / "rubrics"
    shutil.copytree(REPO_ROOT / "rubrics", rubrics)
    monkeypatch.setenv("CASEINTEL_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("CASEINTEL_DB", str(tmp_path / "var" / "caseintel.duckdb"))
    monkeypatch.setenv("CASEINTEL_RUBRICS", str(rubrics))
    monkeypatch.setenv("CASEINTEL_WAREHOUSE", "duckdb")
    return rubrics


def _materialize() -> str:
    """Run the asset; its log line saying what it wrote."""
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([momentum_rubric], instance=instance,
                            resources={"caseintel": CaseintelResource()})
    assert result.success
    return next(entry.user_message for entry in instance.all_logs(result.run_id)
                if entry.user_message.startswith("momentum rubric version"))


def _thresholds(db: Path) -> list[tuple]:
    with Warehouse(db, read_only=True) as wh:
        return sorted(wh.rows("select project_type, stall_after_months, contact_cadence_days"
                              " from raw.rubric_thresholds"), key=str)


def test_an_unchanged_rubric_writes_nothing_and_an_edit_is_written(env: Path) -> None:
    db = env.parent / "var" / "caseintel.duckdb"
    assert "wrote rubric_thresholds" in _materialize()
    written = _thresholds(db)
    assert (4, 3, 14) in written

    assert _materialize().endswith("unchanged")
    assert _thresholds(db) == written

    path = env / "momentum.yaml"
    path.write_text(path.read_text().replace("contact_cadence_days: 14",
                                             "contact_cadence_days: 10"))
    assert "wrote rubric_thresholds" in _materialize()  # every table: the version changed
    assert (4, 3, 10) in _thresholds(db)
