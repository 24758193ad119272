"""The one way Python code touches the warehouse.

Assets open a `Warehouse`, do their work inside `transaction()`, and close it, so a load
either lands whole or not at all and no process holds the DuckDB file longer than it must.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

PYTHON_SCHEMAS = ("raw", "quarantine", "identity", "scoring")


class Warehouse:
    """A DuckDB warehouse file with the schemas the Python assets write."""

    def __init__(self, db_path: Path, read_only: bool = False) -> None:
        self.db_path = db_path
        self.read_only = read_only
        self._con: duckdb.DuckDBPyConnection | None = None

    def __enter__(self) -> Warehouse:
        if not self.read_only:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(str(self.db_path), read_only=self.read_only)
        if not self.read_only:
            for schema in PYTHON_SCHEMAS:
                self._con.execute(f"create schema if not exists {schema}")
        return self

    def __exit__(self, *exc: object) -> None:
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
        """All statements inside commit together or roll back together."""
        self.con.execute("begin transaction")
        try:
            yield self
        except BaseException:
            self.con.execute("rollback")
            raise
        self.con.execute("commit")

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> duckdb.DuckDBPyConnection:
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        return self.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        row = self.execute(sql, params).fetchone()
        return row[0] if row else None

    def table_exists(self, schema: str, table: str) -> bool:
        return bool(
            self.scalar(
                "select count(*) from information_schema.tables"
                " where table_schema = ? and table_name = ?",
                [schema, table],
            )
        )

    def columns(self, schema: str, table: str) -> list[str]:
        return [
            r[0]
            for r in self.rows(
                "select column_name from information_schema.columns"
                " where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, table],
            )
        ]

    def insert_arrow(self, target: str, table: Any) -> None:
        """Insert a pyarrow table by column name (missing target columns stay null)."""
        self.con.register("_incoming", table)
        try:
            self.con.execute(f"insert into {target} by name select * from _incoming")
        finally:
            self.con.unregister("_incoming")

    def replace_arrow(self, target: str, table: Any) -> None:
        """Replace a whole table with a pyarrow table (used for small derived tables)."""
        self.con.register("_incoming", table)
        try:
            self.con.execute(f"create or replace table {target} as select * from _incoming")
        finally:
            self.con.unregister("_incoming")
