"""The baseline a user would pick instead: stock Splink 5 configured as its own FEBRL 4
example (docs/demos/examples/duckdb/febrl4) on the intake columns as written in the files.

Its detailed model: `NameComparison` with term frequencies for both names,
`DateOfBirthComparison`, `DamerauLevenshteinAtThresholds` for the SSN digits, address and
postcode, `ExactMatch` for what the example has no column for (phone, email); its blocking
rules (names, names reversed, DOB, SSN, address, postcode); λ from its two deterministic
rules at recall 0.8; u by random sampling; m by EM blocked on DOB and on postcode; links
clustered at its 0.99.
"""

from __future__ import annotations

import logging
import time

import duckdb
import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from orchestration.warehouse import Warehouse

COLUMNS = ("first_name", "last_name", "dob", "ssn_last4", "street_address", "city", "zip",
           "phone", "email")
CLUSTER_THRESHOLD = 0.99


# The demo agency's person rows in raw, in those columns as the files wrote them.
_RAW_ROWS = {
    "hmis_client": ("'hmis:' || _site || ':' || personal_id", {
        "first_name": "first_name", "last_name": "last_name", "dob": "dob",
        "ssn_last4": "right(ssn, 4)"}),
    "intake_submissions": ("'intake:' || _site || ':' || submission_id", {
        c: c for c in COLUMNS}),
    "survey_responses": ("'survey:' || _site || ':' || response_id", {
        "first_name": "first_name", "last_name": "last_name", "phone": "phone",
        "email": "email"}),
}


def rows_from_raw(wh: Warehouse) -> list[dict[str, str]]:
    """Every person row of raw (the latest version of each record), as a user would hand
    them to Splink: one frame, the shared columns, values as written."""
    rows: dict[str, dict[str, str]] = {}
    for table, (key, columns) in _RAW_ROWS.items():
        if not wh.table_exists("raw", table):
            continue
        select = ", ".join(f"{columns.get(c, 'null')} as {c}" for c in COLUMNS)
        for record_key, *values in wh.rows(
                f"select {key} as record_key, {select} from raw.{table}"
                " order by _loaded_at, _source_row"):
            rows[record_key] = {"record_key": record_key, **dict(zip(COLUMNS, values,
                                                                     strict=True))}
    return list(rows.values())


def _frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame([{"unique_id": r["record_key"],
                           **{c: (r.get(c) or "").strip().lower() or None for c in COLUMNS}}
                          for r in rows])
    return frame.astype(object).where(frame.notna(), None)


def _settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d",
                                     invalid_dates_as_null=True),
            cl.DamerauLevenshteinAtThresholds("ssn_last4", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("street_address", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("zip", [1, 2]).configure(
                term_frequency_adjustments=True),
            cl.ExactMatch("phone"),
            cl.ExactMatch("email"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "last_name"),
            "l.first_name = r.last_name and l.last_name = r.first_name",
            block_on("dob"),
            block_on("ssn_last4"),
            block_on("street_address"),
            block_on("zip"),
        ],
    )


def link(rows: list[dict[str, str]], seed: int = 42) -> tuple[dict[str, str], float]:
    """record_key -> cluster id for the rows (`record_key` and COLUMNS), and the seconds it
    took."""
    started = time.perf_counter()
    db_api = DuckDBAPI(connection=duckdb.connect())
    linker = Linker(db_api.register(_frame(rows)), _settings(), log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("ssn_last4"), block_on("first_name", "last_name", "dob")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=seed)
    for rule in (block_on("dob"), block_on("zip")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True)
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=CLUSTER_THRESHOLD).as_pandas_dataframe()
    return (dict(zip(clusters["unique_id"], clusters["cluster_id"].astype(str), strict=True)),
            time.perf_counter() - started)
