"""The marts give the same answers as recorded: every grade, finding, measure and report
number of the end-to-end agency, per mart and column, against `marts_record.json`.

A change to how the warehouse is built (layers, incremental strategy, code lists as seeds)
must leave every answer where it was. After a change meant to move answers, record them
again and say why in the commit:

    CASEINTEL_RECORD_MARTS=1 .venv/bin/python -m pytest tests/e2e/test_same_results.py
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from orchestration.warehouse import Warehouse
from orchestration.warehouse.sql import quote

RECORD = Path(__file__).with_name("marts_record.json")
# Columns that say when or under which load a row was made, not what it says.
RUN_COLUMNS = re.compile(r"(^|_)(loaded_at|issued_at|built_at|published_at|load_id|"
                         r"result_json|file_sha256)$")


def _value(value: object) -> object:
    """A value as it compares across runs and engines' number types."""
    if isinstance(value, float | Decimal):
        return float(f"{float(value):.9g}")
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return value


def answers(db: Path) -> dict[str, dict[str, object]]:
    """Per mart: its row count and, per column, a digest of the column's values in the
    order of the mart's rows sorted whole (so a moved value shows in its column)."""
    out: dict[str, dict[str, object]] = {}
    with Warehouse(db, read_only=True) as wh:
        for (table,) in wh.rows("select table_name from information_schema.tables where "
                                "table_schema = 'marts' order by 1"):
            columns = [c for c in wh.columns("marts", table) if not RUN_COLUMNS.search(c)]
            rows = sorted(json.dumps([_value(v) for v in row], default=str) for row in wh.rows(
                f"select {', '.join(map(quote, columns))} from marts.{table}"))
            parsed = [json.loads(row) for row in rows]
            out[table] = {"rows": len(rows), "columns": {
                column: hashlib.sha256(json.dumps([row[i] for row in parsed]).encode()
                                       ).hexdigest()[:16]
                for i, column in enumerate(columns)}}
    return out


def test_the_marts_give_the_recorded_answers(pipeline) -> None:
    found = answers(pipeline["db"])
    if os.environ.get("CASEINTEL_RECORD_MARTS"):
        RECORD.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    recorded = json.loads(RECORD.read_text())
    moved = {table: sorted(column for column, digest in answer["columns"].items()
                           if recorded.get(table, {}).get("columns", {}).get(column) != digest)
             or f"{recorded.get(table, {}).get('rows')} -> {answer['rows']} rows"
             for table, answer in found.items() if answer != recorded.get(table)}
    assert not moved, f"answers moved (mart: columns): {moved}"
    assert sorted(found) == sorted(recorded), "marts added or removed"
