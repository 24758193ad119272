"""The embedded default: one DuckDB file."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from orchestration.warehouse.base import PYTHON_SCHEMAS, STREAM_BATCH, Warehouse


def set_memory_limit(con: duckdb.DuckDBPyConnection, limit: str) -> None:
    """DuckDB's memory limit (e.g. "4GB", "80%"); past it DuckDB spills to its temp directory.
    SET rather than a connect-time config: DuckDB refuses a second connection to a file whose
    database, already open in this process, was configured differently."""
    con.execute(f"set memory_limit = '{limit.replace(chr(39), '')}'")


_UNITS = {"bytes": 1, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40, "pib": 2**50}


def memory_limit_bytes(con: duckdb.DuckDBPyConnection) -> int | None:
    """The memory limit DuckDB made of its setting (a share of this machine's memory, say),
    in bytes, as DuckDB reports it ("3.7 GiB": to a tenth of a unit); None if unreadable."""
    text = con.execute("select current_setting('memory_limit')").fetchone()[0]
    number, _, unit = str(text).strip().partition(" ")
    try:
        return int(float(number) * _UNITS[unit.lower()])
    except (KeyError, ValueError):
        return None


class DuckDBWarehouse(Warehouse):
    """A DuckDB warehouse file; one writer process at a time."""

    def __init__(self, db_path: Path | str, read_only: bool = False,
                 memory_limit: str | None = None) -> None:
        self.db_path = Path(db_path)
        self.read_only = read_only
        self.memory_limit = memory_limit  # DuckDB's own setting, e.g. "4GB" or "80%"
        self._con: duckdb.DuckDBPyConnection | None = None

    @staticmethod
    def sha256_hex(expression: str) -> str:
        return f"sha256({expression})"

    @staticmethod
    def digest_agg(expression: str) -> str:
        # a sum of 64-bit hashes (as HUGEINT, no overflow): three times md5's speed
        return f"cast(sum(hash({expression})) as varchar)"

    @staticmethod
    def may_match_folded(expression: str) -> str:
        # strip_accents leaves a letter with no decomposition (ß, đ, ø, ligatures) as it is
        return (f"regexp_matches(lower(strip_accents({expression})),"
                r" '(' || ? || ')|[^\x00-\x7F\p{P}\p{S}\p{Z}]')")

    def open(self) -> None:
        if not self.read_only:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(str(self.db_path), read_only=self.read_only)
        self._con.execute("set enable_progress_bar = false")  # no bars in a run's output
        if self.memory_limit:
            set_memory_limit(self._con, self.memory_limit)
        if not self.read_only:
            for schema in PYTHON_SCHEMAS:
                self._con.execute(f"create schema if not exists {schema}")

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise RuntimeError("Warehouse is not open: use `with Warehouse(path) as wh:`")
        return self._con

    @contextmanager
    def transaction(self) -> Iterator[Warehouse]:
        self.con.execute("begin transaction")
        try:
            yield self
        except BaseException:
            self.con.execute("rollback")
            raise
        self.con.execute("commit")

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> duckdb.DuckDBPyConnection:
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.con.executemany(sql, rows)

    def stream(self, sql: str, params: Sequence[Any] | None = None,
               batch_size: int = STREAM_BATCH) -> Iterator[list[tuple]]:
        cursor = self.execute(sql, params)
        while batch := cursor.fetchmany(batch_size):
            yield batch

    def arrow(self, sql: str, schema: Any, params: Sequence[Any] | None = None) -> Any:
        """DuckDB hands out Arrow batches itself: no Python object per value."""
        reader = self.con.sql(sql, params=params).to_arrow_reader(STREAM_BATCH)
        return reader.read_all().cast(schema)

    def insert_arrow(self, target: str, table: Any) -> None:
        self.con.register("_incoming", table)
        try:
            self.con.execute(f"insert into {target} by name select * from _incoming")
        finally:
            self.con.unregister("_incoming")

    def replace_arrow(self, target: str, table: Any) -> None:
        self.con.register("_incoming", table)
        try:
            self.con.execute(f"create or replace table {target} as select * from _incoming")
        finally:
            self.con.unregister("_incoming")
