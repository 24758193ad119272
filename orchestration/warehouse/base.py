"""The warehouse interface every Python asset writes through, whatever the engine.

`Warehouse(target)` opens the engine the target names: a path is a DuckDB file, a
`postgresql://` URL a PostgreSQL database; `Warehouse.from_settings` takes the target from
settings (`CASEINTEL_WAREHOUSE`). SQL passed in uses `?` placeholders on both engines, and
callers keep to SQL both engines speak (see docs/scale.md), so no asset knows which it has.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orchestration.settings import Settings

PYTHON_SCHEMAS = ("raw", "quarantine", "identity", "scoring")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
STREAM_BATCH = 10_000


def is_postgres_target(target: Path | str) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


class Warehouse(ABC):
    """An open connection to the warehouse, used as `with Warehouse(target) as wh:`.

    Assets open it, work inside `transaction()`, and close it, so a load lands whole or not
    at all and no process holds the warehouse longer than it must.
    """

    def __new__(cls, target: Path | str, *args: Any, **kwargs: Any) -> Warehouse:
        # Imported here: the engines import this module, and psycopg is an optional extra.
        if cls is Warehouse:
            if is_postgres_target(target):
                from orchestration.warehouse.postgres import PostgresWarehouse

                cls = PostgresWarehouse
            else:
                from orchestration.warehouse.duck import DuckDBWarehouse

                cls = DuckDBWarehouse
        return super().__new__(cls)

    @classmethod
    def from_settings(cls, settings: Settings, read_only: bool = False) -> Warehouse:
        """The warehouse the settings point at (`CASEINTEL_WAREHOUSE`), with their limits."""
        if settings.warehouse == "duckdb":
            from orchestration.warehouse.duck import DuckDBWarehouse

            return DuckDBWarehouse(settings.db_path, read_only,
                                   memory_limit=settings.duckdb_memory_limit)
        return cls(settings.warehouse_target, read_only=read_only)

    def __enter__(self) -> Warehouse:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def open(self) -> None:
        """Connect, and create the Python schemas unless read-only."""

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def con(self) -> Any:
        """The engine's own connection, for engine-specific work (portable code avoids it)."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Warehouse]:
        """All statements inside commit together or roll back together."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """Run one statement; returns a DB-API cursor (fetchone, fetchall, description)."""

    @abstractmethod
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    @abstractmethod
    def stream(self, sql: str, params: Sequence[Any] | None = None,
               batch_size: int = STREAM_BATCH) -> Iterator[list[tuple]]:
        """The result in batches of rows, without holding all of it in memory at once."""

    @abstractmethod
    def insert_arrow(self, target: str, table: Any) -> None:
        """Insert a pyarrow table by column name (missing target columns stay null)."""

    @abstractmethod
    def replace_arrow(self, target: str, table: Any) -> None:
        """Make `target` hold exactly this pyarrow table (small derived tables)."""

    @staticmethod
    @abstractmethod
    def sha256_hex(expression: str) -> str:
        """SQL for the lowercase hex SHA-256 of a text expression's UTF-8 bytes (hashlib's)."""

    @staticmethod
    @abstractmethod
    def digest_agg(expression: str) -> str:
        """SQL aggregate: text that is the same for the same multiset of the text
        expression's values in a group, in any order, and differs otherwise."""

    @staticmethod
    @abstractmethod
    def may_match_folded(expression: str) -> str:
        """SQL, with one `?` for a regular expression of lowercase ASCII, true when the text
        expression, lowercased and stripped of accents as far as the engine can, matches it
        or holds a letter the engine may fold otherwise than Python's `casefold` (then the
        caller cannot rule the text out): a superset of the texts Python would match."""

    def arrow(self, sql: str, schema: Any, params: Sequence[Any] | None = None) -> Any:
        """The result of `sql` (columns named and ordered as `schema`, a pyarrow schema) as a
        pyarrow table, converted one streamed batch at a time: a run holds millions of rows,
        far smaller in columns than as tuples."""
        import pyarrow as pa

        parts = [schema.empty_table()]
        for batch in self.stream(sql, params):
            parts.append(pa.table([pa.array(column, f.type) for f, column in zip(
                schema, zip(*batch, strict=True), strict=True)], schema=schema))
        return pa.concat_tables(parts)

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        return self.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        # fetchall, not fetchone: DuckDB keeps a result that was not read to its end open,
        # and refuses to register an Arrow table on the connection while it is
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    def refresh_arrow(self, tables: dict[str, Any]) -> list[str]:
        """Make each target (schema.table) hold its Arrow table, rewriting only the ones that
        do not already (`holds`), in one transaction; returns the targets written. For small
        derived tables: a run with nothing new writes nothing."""
        written = [target for target, table in tables.items() if not self.holds(target, table)]
        if written:
            with self.transaction():
                for target in written:
                    self.replace_arrow(target, tables[target])
        return written

    def holds(self, target: str, table: Any) -> bool:
        """Whether `target` (schema.table) holds exactly this Arrow table: the same columns
        and the same rows, in any order."""
        schema, name = target.split(".")
        if not self.table_exists(schema, name) or self.columns(schema, name) != table.column_names:
            return False
        held = self.rows(f"select {', '.join(table.column_names)} from {target}")
        return Counter(held) == Counter(tuple(row.values()) for row in table.to_pylist())

    def add_columns(self, table: str, columns: dict[str, str]) -> None:
        """Columns `table` (schema.table) gained after it first shipped ({name: SQL type}),
        added in place to a warehouse made before them."""
        for name, kind in columns.items():
            self.execute(f"alter table {table} add column if not exists {name} {kind}")

    def table_exists(self, schema: str, table: str) -> bool:
        return bool(self.scalar(
            "select count(*) from information_schema.tables"
            " where table_schema = ? and table_name = ?", [schema, table]))

    def columns(self, schema: str, table: str) -> list[str]:
        return [r[0] for r in self.rows(
            "select column_name from information_schema.columns"
            " where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table])]
