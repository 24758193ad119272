"""Run a table's contract as a Great Expectations suite and sort its rows by the outcome.

Each rule becomes one GX expectation (tagged with the rule's position in `meta`), run on a
pandas frame of the file's rows with `_source_row` as the index column, so every failure
names its row. Date, number and cross-file rules run on derived helper columns (parsed dates,
numbers, the enrollment's entry date) that exist only for validation and are never loaded.

The rules read each checked field in its canonical form (`vendor.py`: a date written
`08-MAY-67`, a code written `1.0`, a key padded with a tab), so a vendor's layout is never a
rejection; each value that needed reading is flagged `layout:<field>` instead. Quarantine
and flags always show the value as it was written.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

import pandas as pd

from orchestration.ingest import vendor
from orchestration.ingest.contracts import CONTRACTS, DATE, FLAG, REJECT, Contract, Rule
from orchestration.layouts import FY2022_LIVING_SITUATIONS, LIVING_SITUATION_COLUMNS

MISSING = float("-inf")  # stands for "present but not a number" in numeric helper columns


@dataclass(frozen=True)
class Issue:
    row: int
    rule: str
    field: str
    value: str | None
    reason: str


@dataclass
class Verdict:
    """A file's outcome: table-level errors stop the drop; row issues reject or flag rows."""

    table_errors: list[str] = field(default_factory=list)
    rejected: dict[int, list[Issue]] = field(default_factory=lambda: defaultdict(list))
    flags: list[Issue] = field(default_factory=list)
    results: dict[str, int] = field(default_factory=dict)  # rule name -> failing rows


@dataclass(frozen=True)
class References:
    """What other files of the same drop say: key sets, entry dates, the export date."""

    keys: dict[str, set[str]]  # "<File.csv>.<field>" -> values
    entry_dates: dict[str, str]  # enrollment_id -> entry_date
    as_of: date  # nothing may happen after this date (the export date, or the load date)
    absent: frozenset[str] = frozenset()  # files the export should have but does not
    csv_version: str | None = None  # FY2022 codes are checked in their FY2024 numbering


@cache
def _context() -> Any:
    """One ephemeral GX context per process (no files written, no progress bars)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


@cache
def _batch_definition(name: str) -> Any:
    """A pandas data source, asset and whole-frame batch definition per suite, made once per
    process: each is saved to the context's config when added, which cost more than
    validating a small file."""
    source = _context().data_sources.add_pandas(f"ds_{name}")
    return source.add_dataframe_asset(f"asset_{name}").add_batch_definition_whole_dataframe(
        "whole")


TIMESTAMPS = ("date_created", "date_updated", "date_deleted")


@cache
def field_kinds(table: str, header: tuple[str, ...] = ()) -> dict[str, str]:
    """How each checked field of a table is read: date, timestamp, code or text (keys).
    HUD date columns without a rule of their own (`date_to_street_essh`, `fa_start_date`)
    are read, and flagged, as dates by their names."""
    kinds: dict[str, str] = {
        column: "timestamp" if column in TIMESTAMPS else "date" for column in header
        if column == "dob" or column.startswith("date_") or column.endswith("_date")}
    for rule in CONTRACTS[table].rules:
        if rule.kind == "date":
            kinds[rule.field] = "date" if rule.fmt == DATE else "timestamp"
        elif rule.field in kinds:
            continue
        elif rule.kind == "in_set":
            kinds.setdefault(rule.field, "code")
        elif rule.kind in {"unique", "not_blank", "references", "regex", "number"}:
            kinds.setdefault(rule.field, "text")
    return kinds


def _canonical(series: pd.Series, kind: str, pivot: date) -> pd.Series:
    """The series in canonical form, each distinct value read once."""
    read = {"date": lambda v: vendor.canonical_date(v, pivot),
            "timestamp": lambda v: vendor.canonical_timestamp(v, pivot),
            "code": vendor.canonical_code, "text": vendor.canonical_text}[kind]
    distinct = series.dropna().unique()
    return series.map({v: read(v) for v in distinct}, na_action="ignore")


def _layout_flags(raw: pd.DataFrame, frame: pd.DataFrame, kinds: dict[str, str],
                  pivot: date) -> list[Issue]:
    """A flag for every value that had to be read from a vendor layout."""
    issues = []
    for column, kind in kinds.items():
        if column not in raw.columns:
            continue
        changed = raw[column].notna() & (raw[column] != frame[column])
        for row, value, read in zip(raw["_source_row"][changed], raw[column][changed],
                                    frame[column][changed], strict=True):
            issues.append(Issue(int(row), f"layout:{column}", column, value,
                                f"{column} is written with {vendor.layout_of(value, kind, pivot)}"
                                + (f"; read as '{read}'" if read is not None else
                                   "; read as blank")))
    return issues


def _helper(kind: str, name: str) -> str:
    return f"_{kind}__{name}"


def _parsed_dates(series: pd.Series, fmt: str) -> pd.Series:
    return pd.to_datetime(series, format=fmt, errors="coerce")


def _numbers(series: pd.Series) -> pd.Series:
    numeric = pd.to_numeric(series, errors="coerce")
    return numeric.where(series.isna() | numeric.notna(), MISSING)


def _frame(contract: Contract, raw: pd.DataFrame, refs: References) -> pd.DataFrame:
    frame = raw.copy()
    for column, kind in field_kinds(contract.table, tuple(raw.columns)).items():
        if column in frame.columns:
            frame[column] = _canonical(frame[column], kind, refs.as_of)
    if refs.csv_version == "FY2022":
        for column in LIVING_SITUATION_COLUMNS:
            if column in frame.columns:
                frame[column] = frame[column].map(
                    lambda code: FY2022_LIVING_SITUATIONS.get(code, code), na_action="ignore")
    for rule in contract.rules:
        if rule.field not in frame.columns:
            continue
        if rule.kind in {"not_future", "date_after", "date_order"}:
            frame[_helper("date", rule.field)] = _parsed_dates(frame[rule.field], rule.fmt)
        if rule.kind in {"number", "equals"}:
            frame[_helper("num", rule.field)] = _numbers(frame[rule.field])
        if rule.kind == "references":
            # membership computed once per row here: handing GX the other file's whole key
            # set as a value_set costs that set's size on every expectation it serialises
            known = refs.keys.get(rule.other, set())
            frame[_helper("ref", rule.field)] = frame[rule.field].map(
                known.__contains__, na_action="ignore")
    if "enrollment_id" in frame.columns and contract.table == "hmis_exit":
        entry = frame["enrollment_id"].map(refs.entry_dates)
        frame[_helper("date", "_entry_date")] = _parsed_dates(entry, DATE)
    if contract.table == "screens":
        items = [c for c in (f"item_{i}" for i in range(1, 10)) if c in frame.columns]
        frame[_helper("num", "_item_sum")] = (
            frame[items].apply(pd.to_numeric, errors="coerce").sum(axis=1, min_count=1))
    return frame


def _expectation(rule: Rule, position: int, refs: References) -> Any:
    import great_expectations.expectations as gxe

    meta = {"rule": position}
    column = rule.field
    if rule.kind == "not_blank":
        return gxe.ExpectColumnValuesToNotBeNull(column=column, meta=meta)
    if rule.kind == "unique":
        return gxe.ExpectColumnValuesToBeUnique(column=column, meta=meta)
    if rule.kind == "in_set":
        return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(rule.values),
                                               meta=meta)
    if rule.kind == "references":
        return gxe.ExpectColumnValuesToBeInSet(column=_helper("ref", column), meta=meta,
                                               value_set=[True])
    if rule.kind == "date":
        return gxe.ExpectColumnValuesToMatchStrftimeFormat(column=column, meta=meta,
                                                           strftime_format=rule.fmt)
    if rule.kind == "not_future":
        limit = datetime.combine(refs.as_of, datetime.max.time())
        return gxe.ExpectColumnValuesToBeBetween(column=_helper("date", column), meta=meta,
                                                 max_value=limit)
    if rule.kind == "date_after":
        return gxe.ExpectColumnValuesToBeBetween(column=_helper("date", column), meta=meta,
                                                 min_value=datetime.fromisoformat(rule.other))
    if rule.kind == "date_order":
        return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=_helper("date", column), column_B=_helper("date", rule.other),
            or_equal=True, ignore_row_if="either_value_is_missing", meta=meta)
    if rule.kind == "number":
        return gxe.ExpectColumnValuesToBeBetween(column=_helper("num", column), meta=meta,
                                                 min_value=rule.low, max_value=rule.high)
    if rule.kind == "equals":
        return gxe.ExpectColumnPairValuesToBeEqual(
            column_A=_helper("num", column), column_B=_helper("num", rule.other),
            ignore_row_if="either_value_is_missing", meta=meta)
    if rule.kind == "regex":
        return gxe.ExpectColumnValuesToMatchRegex(column=column, regex=rule.values[0], meta=meta)
    raise ValueError(f"unknown rule kind {rule.kind!r}")


def _runnable(rule: Rule, frame: pd.DataFrame) -> bool:
    """A rule on an optional column the file does not have is not applicable."""
    needed = {rule.field}
    if rule.kind == "date_order":
        needed = {_helper("date", rule.field), _helper("date", rule.other)}
    if rule.kind == "equals":
        needed = {_helper("num", rule.field), _helper("num", rule.other)}
    return needed <= set(frame.columns)


def _repeats(column: pd.Series, rows: list[int], position: dict[int, int],
             earlier: set) -> list[int]:
    """Rows whose key an earlier row had: GX's failing rows but the first of each key, plus
    rows whose key an earlier slice of the file had (`earlier`, updated with this slice)."""
    first: dict[Any, int] = {}
    repeated = {row for row in rows
                if first.setdefault(column.iat[position[row]], row) != row}
    repeated |= {row for row, position_ in position.items()
                 if column.iat[position_] is not None and column.iat[position_] in earlier}
    earlier.update(value for value in column if value is not None)
    return sorted(repeated)


def _severity(rule: Rule, refs: References) -> tuple[str, str]:
    """A reference into a file the export lacks cannot be checked: the row loads, flagged."""
    target = rule.other.split(".csv")[0] + ".csv" if rule.kind == "references" else ""
    if target in refs.absent:
        return FLAG, f"{rule.field} cannot be checked: the export has no {target}"
    return rule.severity, rule.reason


def validate(table: str, header: list[str], records: list[tuple[int, list]],
             refs: References, suite_name: str,
             seen_keys: dict[str, set] | None = None) -> Verdict:
    """Check a file (or one slice of it) against its table's contract with GX; never raises
    for bad data. Slices of one file share `seen_keys`, so a key repeated across slices is
    caught as it is within one."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    contract = CONTRACTS[table]
    verdict = Verdict()
    if not records:  # a header alone (HMIS exports carry every file): only its columns count
        verdict.table_errors = [f"missing required column '{column}'"
                                for column in contract.required_columns if column not in header]
        return verdict
    raw = pd.DataFrame([values for _, values in records], columns=header, dtype=object)
    raw["_source_row"] = [row for row, _ in records]
    frame = _frame(contract, raw, refs)
    verdict.flags += _layout_flags(raw, frame, field_kinds(table, tuple(raw.columns)),
                                   refs.as_of)
    # one expectation for all required columns: GX builds a metric graph per expectation,
    # and a check per column made up nearly half of a file's validation time
    expectations = [gxe.ExpectTableColumnsToMatchSet(
        column_set=list(contract.required_columns), exact_match=False, meta={"rule": -1})]
    expectations += [_expectation(rule, i, refs) for i, rule in enumerate(contract.rules)
                     if _runnable(rule, frame)]
    suite = gx.ExpectationSuite(name=suite_name, expectations=expectations)
    batch = _batch_definition(suite_name).get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format={
        "result_format": "COMPLETE", "unexpected_index_column_names": ["_source_row"]})
    # GX's execution engine caches each batch and its data by batch id: each suite's data
    # source would hold its last frame (raw rows, PII included) for the life of the process
    batches = batch.data.execution_engine.batch_manager
    batches.batch_data_cache.pop(batch.id, None)
    batches.reset_batch_cache()

    position = {row: i for i, row in enumerate(frame["_source_row"])}
    seen_keys = {} if seen_keys is None else seen_keys
    for outcome in result.results:
        meta = outcome.expectation_config.meta or {}
        rule = contract.rules[meta["rule"]] if meta.get("rule", -1) >= 0 else None
        if outcome.success and (rule is None or rule.kind != "unique"):
            continue
        if rule is None:
            missing = set(outcome.result["details"]["mismatched"]["missing"])
            verdict.table_errors += [f"missing required column '{column}'"
                                     for column in contract.required_columns if column in missing]
            continue
        failing = outcome.result.get("unexpected_index_list") or []
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            message = outcome.exception_info.get("exception_message")
            verdict.table_errors.append(f"rule {rule.name} could not run: {message}")
            continue
        rows = sorted(int(item["_source_row"]) for item in failing)
        if rule.kind == "unique":  # the first row with a key is the record; later ones repeat it
            rows = _repeats(frame[rule.field], rows, position,
                            seen_keys.setdefault(rule.field, set()))
            if not rows:
                continue
        values = {row: raw[rule.field].iat[position[row]] for row in rows}
        verdict.results[rule.name] = len(rows)
        severity, reason = _severity(rule, refs)
        for row in rows:
            value = values[row]
            issue = Issue(row, rule.name, rule.field,
                          None if value is None or value != value else str(value), reason)
            if severity == REJECT:
                verdict.rejected[row].append(issue)
            else:
                verdict.flags.append(issue)
    return verdict
