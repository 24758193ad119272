"""Shared fixtures: every test gets its own warehouse file, landing folder and site folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.warehouse import Warehouse


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private var/ for one test, wired through the same environment the CLI uses."""
    monkeypatch.setenv("CASEINTEL_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("CASEINTEL_DB", str(tmp_path / "var" / "caseintel.duckdb"))
    monkeypatch.setenv("CASEINTEL_LANDING", str(tmp_path / "landing"))
    monkeypatch.setenv("CASEINTEL_SITE", str(tmp_path / "site"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    (tmp_path / "landing").mkdir()
    for name in ("CASEINTEL_AS_OF", "CASEINTEL_LLM_BASE_URL", "CASEINTEL_LLM_API_KEY",
                 "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture()
def warehouse(tmp_path: Path):
    with Warehouse(tmp_path / "test.duckdb") as wh:
        yield wh
