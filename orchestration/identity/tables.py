"""Query results as Arrow: a run holds millions of rows, far smaller in columns than as tuples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from orchestration.warehouse import Warehouse


def stream_table(wh: Warehouse, sql: str, schema: pa.Schema,
                 params: Sequence[Any] | None = None) -> pa.Table:
    """The result of `sql` (columns in `schema` order), converted one batch at a time."""
    parts = [schema.empty_table()]
    for batch in wh.stream(sql, params):
        parts.append(pa.table([pa.array(column, f.type) for f, column in zip(
            schema, zip(*batch, strict=True), strict=True)], schema=schema))
    return pa.concat_tables(parts)
