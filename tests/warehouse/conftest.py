"""Every warehouse test runs on both engines: a DuckDB file, and a scratch PostgreSQL
database (skipped, with the reason, when no server is reachable)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.warehouse.postgres_db import scratch_database


@pytest.fixture(params=["duckdb", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "duckdb":
        yield tmp_path / "warehouse.duckdb"
        return
    with scratch_database("caseintel_wh") as dsn:
        yield dsn
