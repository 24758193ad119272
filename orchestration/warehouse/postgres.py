"""PostgreSQL: a shared server that BI tools and analysts read while the pipeline writes.

Bulk loads go through COPY (Arrow record batches written as CSV by Arrow's C++ writer),
results stream through server-side cursors, and DDL takes one advisory lock so assets
running in parallel processes never race to create the same table.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg.types.numeric import NumericLoader

from orchestration.warehouse.base import PYTHON_SCHEMAS, STREAM_BATCH, Warehouse

COPY_BATCH_ROWS = 100_000
_DDL_LOCK = 0x6361736569  # pg_advisory_xact_lock key shared by every caseintel DDL statement
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[?%]")
_DDL = re.compile(r"\s*(create|alter|drop)\b", re.IGNORECASE)
_CURSOR_NAMES = (f"caseintel_stream_{n}" for n in itertools.count())


def to_pyformat(sql: str) -> str:
    """`?` placeholders (outside quotes) to psycopg's `%s`, and every literal `%` escaped."""
    def swap(match: re.Match[str]) -> str:
        token = match.group()
        return "%s" if token == "?" else token.replace("%", "%%")

    return _TOKEN.sub(swap, sql)


def pg_type(arrow_type: pa.DataType) -> str:
    """Column type for an Arrow type, spelled as PostgreSQL's format_type() spells it."""
    for is_type, name in (
        (pa.types.is_string, "text"), (pa.types.is_large_string, "text"),
        (pa.types.is_null, "text"), (pa.types.is_boolean, "boolean"),
        (pa.types.is_int64, "bigint"), (pa.types.is_integer, "integer"),
        (pa.types.is_floating, "double precision"), (pa.types.is_date, "date"),
        (pa.types.is_timestamp, "timestamp without time zone"),
    ):
        if is_type(arrow_type):
            return name
    raise TypeError(f"no PostgreSQL column type for Arrow type {arrow_type}")


class _WholeNumberLoader(NumericLoader):
    """`sum()` of integers is numeric in PostgreSQL: return whole numbers as int, as DuckDB
    does, so counts read the same on both engines (decimals with a scale stay Decimal)."""

    def load(self, data: Any) -> Any:
        value = super().load(data)
        if isinstance(value, Decimal) and value.as_tuple().exponent == 0:
            return int(value)
        return value


class PostgresWarehouse(Warehouse):
    """A PostgreSQL database (libpq URL `postgresql://user:password@host:port/dbname`)."""

    def __init__(self, dsn: str, read_only: bool = False) -> None:
        self.dsn = dsn
        self.read_only = read_only
        self._con: psycopg.Connection | None = None

    @staticmethod
    def sha256_hex(expression: str) -> str:
        return f"encode(sha256(convert_to({expression}, 'UTF8')), 'hex')"

    @staticmethod
    def digest_agg(expression: str) -> str:
        return f"md5(string_agg(md5({expression}), '' order by md5({expression})))"

    @staticmethod
    def may_match_folded(expression: str) -> str:
        # no accent stripping without the unaccent extension: any non-ASCII text may match
        return f"(lower({expression}) ~ ('(' || ? || ')|[^\\x01-\\x7F]'))"

    def open(self) -> None:
        options = "-c default_transaction_read_only=on" if self.read_only else ""
        self._con = psycopg.connect(self.dsn, autocommit=True, application_name="caseintel",
                                    options=options)
        self._con.adapters.register_loader("numeric", _WholeNumberLoader)
        if not self.read_only:
            with self._con.transaction():
                self._lock_ddl()
                for schema in PYTHON_SCHEMAS:
                    self._con.execute(f"create schema if not exists {schema}")

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    @property
    def con(self) -> psycopg.Connection:
        if self._con is None:
            raise RuntimeError("Warehouse is not open: use `with Warehouse(dsn) as wh:`")
        return self._con

    def _lock_ddl(self) -> None:
        self.con.execute("select pg_advisory_xact_lock(%s)", [_DDL_LOCK])

    @contextmanager
    def transaction(self) -> Iterator[Warehouse]:
        with self.con.transaction():
            yield self

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> psycopg.Cursor:
        cursor = self.con.cursor()
        query = to_pyformat(sql) if params is not None else sql
        if _DDL.match(sql):
            with self.con.transaction():
                self._lock_ddl()
                cursor.execute(query, params)
        else:
            cursor.execute(query, params)
        return cursor

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.con.cursor() as cursor:
            cursor.executemany(to_pyformat(sql), rows)

    def stream(self, sql: str, params: Sequence[Any] | None = None,
               batch_size: int = STREAM_BATCH) -> Iterator[list[tuple]]:
        query = to_pyformat(sql) if params is not None else sql
        with self.con.transaction(), self.con.cursor(name=next(_CURSOR_NAMES)) as cursor:
            cursor.execute(query, params)
            while batch := cursor.fetchmany(batch_size):
                yield batch

    def insert_arrow(self, target: str, table: Any) -> None:
        if table.num_rows == 0:
            return
        columns = ", ".join(f'"{name}"' for name in table.column_names)
        options = pacsv.WriteOptions(include_header=False)
        with self.con.cursor() as cursor, cursor.copy(
                f"copy {target} ({columns}) from stdin (format csv)") as copy:
            for batch in table.to_batches(max_chunksize=COPY_BATCH_ROWS):
                buffer = io.BytesIO()
                pacsv.write_csv(batch, buffer, options)
                copy.write(buffer.getbuffer())

    def replace_arrow(self, target: str, table: Any) -> None:
        """Truncate and reload when the shape is unchanged (views on the table survive);
        otherwise drop the table (and views on it, which the next dbt build recreates)."""
        wanted = [(name, pg_type(field.type)) for name, field in
                  zip(table.column_names, table.schema, strict=True)]
        with self.transaction():
            existing = self.rows(
                "select attname, format_type(atttypid, atttypmod) from pg_attribute"
                " where attrelid = to_regclass(?) and attnum > 0 and not attisdropped"
                " order by attnum", [target])
            if existing == wanted:
                self.execute(f"truncate {target}")
            else:
                self.execute(f"drop table if exists {target} cascade")
                self.execute(f"create table {target} ("
                             + ", ".join(f'"{name}" {kind}' for name, kind in wanted) + ")")
            self.insert_arrow(target, table)
