"""Reading the published pages back: what a test needs from the HTML, without a browser."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

COUNT = re.compile(r'<span class="(count|stat)" data-ref="([^"]*)"(?: title="[^"]*")?>'
                   r'([^<]*)</span>')
NUM_CELL = re.compile(r'<td class="num[^"]*">(.*?)</td>', re.S)
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
PERSON_ID = re.compile(r"\bP\d{7}\b")


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def counts(page: str) -> list[tuple[str, dict[str, Any], str]]:
    """(count | stat, its ref, the text shown) for every number the page declares."""
    return [(kind, json.loads(html.unescape(ref)), html.unescape(shown))
            for kind, ref, shown in COUNT.findall(page)]


def numeric_cells(page: str) -> list[str]:
    return NUM_CELL.findall(page)


def recount(wh, ref: dict[str, Any]) -> float:
    """The number a ref describes, counted again with SQL on the marts."""
    assert IDENTIFIER.match(ref["table"]), ref
    where, params = [], []
    for column, wanted in ref["where"].items():
        assert IDENTIFIER.match(column), ref
        if isinstance(wanted, dict) and "is" in wanted:
            assert wanted["is"] in ("null", "not null")
            where.append(f"{column} is {wanted['is']}")
        elif isinstance(wanted, dict):
            where.append(f"{column} between ? and ?")
            params += wanted["between"]
        elif isinstance(wanted, list):
            where.append(f"{column} in ({', '.join('?' for _ in wanted)})")
            params += wanted
        else:
            where.append(f"{column} = ?")
            params.append(wanted)
    column = ref["column"]
    assert column is None or IDENTIFIER.match(column), ref
    measure = {"sum": f"coalesce(sum({column}), 0)", "count": "count(*)",
               "median": f"coalesce(median({column}), 0)"}[ref["agg"]]
    return wh.scalar(f"select {measure} from marts.{ref['table']}"
                     f" where {' and '.join(where) or 'true'}", params)
