"""The linkage workspace's DuckDB limit leaves room for the records the run holds beside it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.identity.workspace import linkage_workspace
from orchestration.warehouse.duck import memory_limit_bytes

GB = 10**9
CLOSE = 0.21 * 2**30  # DuckDB shows a limit to a tenth of a GiB, cut off: twice here


def _limit(con: duckdb.DuckDBPyConnection) -> int:
    limit = memory_limit_bytes(con)
    assert limit is not None
    return limit


def test_memory_limit_bytes_reads_what_duckdb_made_of_the_setting() -> None:
    con = duckdb.connect()
    con.execute("set memory_limit = '4GB'")
    assert abs(_limit(con) - 4 * GB) < 0.11 * 2**30  # "3.7 GiB": to a tenth of a GiB
    con.execute("set memory_limit = '512MiB'")
    assert _limit(con) == 512 * 2**20


def test_the_workspace_gets_the_limit_less_what_the_run_holds(tmp_path: Path) -> None:
    with linkage_workspace(tmp_path, memory_limit="4GB") as ws:
        whole = _limit(ws.con)
    with linkage_workspace(tmp_path, memory_limit="4GB", held_bytes=GB) as ws:
        assert abs(_limit(ws.con) - (whole - GB)) < CLOSE


def test_never_less_than_half_the_limit(tmp_path: Path) -> None:
    with linkage_workspace(tmp_path, memory_limit="4GB", held_bytes=10 * GB) as ws:
        assert abs(_limit(ws.con) - 2 * GB) < CLOSE


def test_a_share_of_the_machine_is_budgeted_too(tmp_path: Path) -> None:
    with linkage_workspace(tmp_path, memory_limit="50%") as ws:
        whole = _limit(ws.con)
    with linkage_workspace(tmp_path, memory_limit="50%", held_bytes=whole // 4) as ws:
        assert abs(_limit(ws.con) - 3 * whole // 4) < CLOSE
