"""SQL text for names and values built into queries (DuckDB and PostgreSQL alike)."""

from __future__ import annotations


def quote(name: str) -> str:
    """An SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """An SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"
