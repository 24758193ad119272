"""Each table's contract as a Great Expectations suite, and each loaded file's outcome as GX
validation results in `raw.contract_results`.

The rules run as SQL where the file is staged (`validation.py`); GX remains the contract's
declared form and the record of how a file met it, one result per expectation and file:
how many rows it checked, how many broke it, and the first rows that did (by `_source_row`,
never their values: a malformed SSN stays in quarantine, not in a result).
"""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from functools import cache
from typing import Any

from orchestration.ingest.contracts import CONTRACTS, REJECT, Rule
from orchestration.ingest.staging import Stage, Staged
from orchestration.ingest.validation import References, Verdict, severity
from orchestration.warehouse import Warehouse

RESULTS = "raw.contract_results"
PARTIAL_ROWS = 20  # as GX's own partial_unexpected lists


def ensure_results_table(wh: Warehouse) -> None:
    wh.execute(f"""create table if not exists {RESULTS} (
        load_id varchar, source_table varchar, source_file varchar, suite varchar,
        rule varchar, expectation varchar, severity varchar, success boolean,
        element_count bigint, unexpected_count bigint, result varchar, loaded_at timestamp)""")


@cache
def _gxe() -> Any:
    import logging

    import great_expectations.expectations as gxe

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    return gxe


@cache
def import_in_background() -> None:
    """Start importing Great Expectations (some 3 s) on a thread while DuckDB reads the
    first files; it releases the interpreter while it works."""
    threading.Thread(target=_gxe, name="import-great-expectations", daemon=True).start()


def expectation(rule: Rule, as_of: date, level: str, reason: str) -> Any:
    """The GX expectation a rule declares, as it reads the field's canonical form."""
    gxe = _gxe()
    common = {"meta": {"rule": rule.name, "reason": reason},
              "severity": "critical" if level == REJECT else "warning"}
    column = rule.field
    if rule.kind == "not_blank":
        return gxe.ExpectColumnValuesToNotBeNull(column=column, **common)
    if rule.kind == "unique":
        return gxe.ExpectColumnValuesToBeUnique(column=column, **common)
    if rule.kind == "in_set":
        return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(rule.values),
                                               **common)
    if rule.kind == "date":
        return gxe.ExpectColumnValuesToMatchStrftimeFormat(column=column,
                                                           strftime_format=rule.fmt, **common)
    if rule.kind == "not_future":
        return gxe.ExpectColumnValuesToBeBetween(
            column=column, max_value=datetime.combine(as_of, datetime.max.time()), **common)
    if rule.kind == "date_after":
        return gxe.ExpectColumnValuesToBeBetween(
            column=column, min_value=datetime.fromisoformat(rule.other), **common)
    if rule.kind == "date_order":
        return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=column, column_B=rule.other, or_equal=True,
            ignore_row_if="either_value_is_missing", **common)
    if rule.kind == "number":
        return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=rule.low,
                                                 max_value=rule.high, **common)
    if rule.kind == "equals":
        return gxe.ExpectColumnPairValuesToBeEqual(
            column_A=column, column_B=rule.other, ignore_row_if="either_value_is_missing",
            **common)
    if rule.kind == "regex":
        return gxe.ExpectColumnValuesToMatchRegex(column=column, regex=rule.values[0], **common)
    if rule.kind == "references":
        name, _, key = rule.other.partition(".csv.")
        return gxe.UnexpectedRowsExpectation(
            unexpected_rows_query=f"select * from {{batch}} where {column} is not null and "
            f'{column} not in (select {key} from "{name}.csv")', description=reason, **common)
    raise ValueError(f"unknown rule kind {rule.kind!r}")


def suite(table: str, as_of: date, refs: References | None = None) -> Any:
    """A table's contract as a GX expectation suite (`refs` say which references cannot be
    checked, and so only flag)."""
    import great_expectations as gx

    contract = CONTRACTS[table]
    refs = refs or References({}, as_of)
    expectations = [_gxe().ExpectTableColumnsToMatchSet(
        column_set=list(contract.required_columns), exact_match=False,
        meta={"rule": "required_columns"}, severity="critical")]
    expectations += [expectation(rule, as_of, *severity(rule, refs)) for rule in contract.rules]
    return gx.ExpectationSuite(name=table, expectations=expectations)


def record_results(wh: Warehouse, stage: Stage, staged: Staged, verdict: Verdict, refs: References,
           lineage: dict[str, object], table: str) -> None:
    """One GX validation result per expectation of the file's suite."""
    from great_expectations.core import ExpectationValidationResult

    contract = CONTRACTS[table]
    first_rows: dict[int, list[int]] = {}
    for position, rows in stage.con.execute(
            f"select position, list(_source_row order by _source_row)[1:{PARTIAL_ROWS}] "
            f"from {verdict.issues} where position >= 0 group by 1").fetchall():
        first_rows[position] = rows
    rows = []
    declared = suite(table, refs.as_of, refs).expectations
    for position, (rule, gx_expectation) in enumerate(zip(contract.rules, declared[1:],
                                                          strict=True)):
        if position not in verdict.checked:
            continue  # an optional column the file does not have
        unexpected = verdict.failing.get(position, 0)
        result = ExpectationValidationResult(
            success=not unexpected, expectation_config=gx_expectation.configuration,
            result={"element_count": staged.rows, "unexpected_count": unexpected,
                    "unexpected_percent": 100 * unexpected / staged.rows,
                    "partial_unexpected_index_list": first_rows.get(position, [])})
        rows.append([lineage["_load_id"], table, lineage["_source_file"], table, rule.name,
                     gx_expectation.expectation_type, gx_expectation.severity.value,
                     not unexpected, staged.rows, unexpected,
                     json.dumps(result.to_json_dict(), default=str), lineage["_loaded_at"]])
    if rows:
        wh.executemany(f"insert into {RESULTS} values ({', '.join('?' * 12)})", rows)
