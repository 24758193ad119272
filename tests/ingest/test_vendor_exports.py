"""HMIS exports as vendor systems write them (tests/ingest/vendor_exports, written from the HUD
spec by someone who never saw caseintel's rules): every row is accounted for, every quirk is
read to the value its author expected, in ingest (Python) and in staging (SQL) alike, and
flagged as a data issue."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pytest

from orchestration.ingest import vendor
from orchestration.ingest.landing import CUSTOM_TABLE, HMIS_FILES, SOURCES_BY_NAME, discover
from orchestration.ingest.loader import load_drop
from orchestration.ingest.parsing import column_name
from orchestration.ingest.validation import field_kinds
from orchestration.settings import REPO_ROOT
from orchestration.warehouse import Warehouse
from tests.dbt_args import build_with_seeds

CORPUS = Path(__file__).parent / "vendor_exports"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.json").exists())
NOW = datetime(2026, 11, 1, 6, 0)
STAGED = {"Client.csv": ("stg_hmis__clients", "personal_id"),
          "Enrollment.csv": ("stg_hmis__enrollments", "enrollment_id"),
          "Exit.csv": ("stg_hmis__exits", "exit_id"),
          "Services.csv": ("stg_hmis__services", "services_id"),
          "Project.csv": ("stg_hmis__projects", "project_id"),
          "Organization.csv": ("stg_hmis__organizations", "organization_id"),
          "Export.csv": ("stg_hmis__exports", "export_id")}
STAGED_NAMES = {"relationship_to_ho_h": "relationship_to_hoh"}
# A client's identifiers are not in any table past raw: the warehouse reads them through
# the ephemeral stg_hmis__client_identifiers, which the test compiles and runs itself.
IDENTIFIERS = "select * from {{ ref('stg_hmis__client_identifiers') }}"
IDENTIFIER_COLUMNS = frozenset({"first_name", "last_name", "ssn", "dob"})
STAGED_KEYS = dict(STAGED.values())
READ_KINDS = ("date_", "timestamp_", "integer_as_decimal", "whitespace_padded")


def expected(case: str) -> dict:
    return json.loads((CORPUS / case / "expected.json").read_text())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    """Every case as one site's export in one landing folder, loaded, then staged by dbt."""
    root = tmp_path_factory.mktemp("vendor")
    for case in CASES:
        shutil.copytree(CORPUS / case / "export", root / "landing" / "hmis" / case / "export")
    db = root / "w.duckdb"
    results = {}
    with Warehouse(db) as wh:
        for drop in discover(root / "landing", SOURCES_BY_NAME["hmis"]):
            results[drop.site] = load_drop(wh, drop, NOW)
    dbt = Path(sys.executable).with_name("dbt")
    done = subprocess.run(
        [str(dbt), *build_with_seeds("stg_hmis__*"), "--profiles-dir", "."],
        cwd=REPO_ROOT / "dbt_project", capture_output=True, text=True, timeout=600,
        env={**os.environ, "CASEINTEL_DB": str(db)})
    assert done.returncode == 0, done.stdout[-3000:]
    compiled = subprocess.run(
        [str(dbt), "compile", "--quiet", "--inline", IDENTIFIERS, "--profiles-dir", "."],
        cwd=REPO_ROOT / "dbt_project", capture_output=True, text=True, timeout=600,
        env={**os.environ, "CASEINTEL_DB": str(db)})
    assert compiled.returncode == 0, compiled.stdout[-3000:]
    with Warehouse(db, read_only=True) as wh:
        cursor = wh.execute(compiled.stdout)
        names = [d[0] for d in cursor.description]
        identifiers = {row["record_key"]: row for row in (
            dict(zip(names, r, strict=True)) for r in cursor.fetchall())}
        yield wh, results, identifiers


def test_the_corpus_has_a_case_for_every_quirk() -> None:
    assert len(CASES) >= 15
    assert {"dates_dd_mon_yy", "dates_mdy_two_digit_year", "timestamps_mm_dd_yyyy",
            "timestamps_iso_t", "whitespace_and_tabs", "codes_as_decimals",
            "doubled_quotes_in_names", "header_reordered_extra_columns", "crlf_bom",
            "export_id_restamped", "missing_organization", "fy2022"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_every_row_of_every_file_is_accounted_for(corpus, case: str) -> None:
    wh, results, _ = corpus
    spec = expected(case)
    by_file = {r.file.rsplit("/", 1)[1]: r for r in results[case]}
    if spec.get("unreadable"):
        assert {r.status for r in results[case]} == {"failed"}
        assert wh.scalar("select count(*) from raw.hmis_client where _site = ?", [case]) == 0
        return
    assert all(r.status in {"loaded", "missing"} for r in results[case]), [
        (r.file, r.message) for r in results[case] if r.status not in {"loaded", "missing"}]
    for name, facts in spec["files"].items():
        result = by_file[name]
        assert result.rows_read == facts["data_rows"], name
        assert result.rows_read == result.rows_loaded + result.rows_quarantined, name
        if not facts.get("hud_file", True):
            assert result.table == CUSTOM_TABLE
            continue
        table = HMIS_FILES[name]
        in_raw = wh.scalar(f"select count(*) from raw.{table} where _site = ?", [case])
        assert in_raw == result.rows_loaded, name
        broken = wh.rows(f"select _source_row from quarantine.{table} where _site = ? and"
                         " _rule in ('field_count', 'csv_syntax') order by 1", [case]) \
            if wh.table_exists("quarantine", table) else []
        assert [row for (row,) in broken] == facts["malformed_rows"], name
    for name in spec.get("missing_files", []):
        assert by_file[name].status == "missing"


@cache
def _staged_rows(wh: Warehouse, model: str, case: str) -> dict[str, dict]:
    """A staging model's rows of one case, by record key."""
    cursor = wh.execute(f"select * from staging.{model} where site = ?", [case])
    names = [d[0] for d in cursor.description]
    key = STAGED_KEYS[model]
    return {row[key]: row for row in (dict(zip(names, r, strict=True)) for r in cursor.fetchall())}


def _staged(wh: Warehouse, file: str, column: str, key: dict, case: str,
            identifiers: dict[str, dict]):
    model, key_column = STAGED[file]
    rows = _staged_rows(wh, model, case)
    [key_value] = key.values()
    row = rows.get(key_value)
    if file == "Client.csv" and column in IDENTIFIER_COLUMNS and row is not None:
        row = identifiers.get(row["record_key"])
    column = STAGED_NAMES.get(column, column)
    if row is None or column not in row:
        return None, False
    return row[column], True


def _as_text(value, expected_text: str) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return None if value is None else str(value)


@pytest.mark.parametrize("case", CASES)
def test_every_quirky_value_is_read_as_its_author_meant(corpus, case: str) -> None:
    wh, _, identifiers = corpus
    spec = expected(case)
    export_date = date.fromisoformat(spec["export_date"][:10]) if spec.get("export_date") else NOW
    deleted = {(d["file"], json.dumps(d["key"])) for d in spec.get("deleted_records", [])}
    checked_in_staging = 0
    for value in spec["values"]:
        column = column_name(value["field"])
        table = HMIS_FILES[value["file"]]
        [(key_field, key_value)] = value["key"].items()
        raw = wh.rows(f'select "{column}" from raw.{table} where _site = ? and'
                      f' trim({column_name(key_field)}) = ?', [case, key_value])
        assert raw == [(value["raw"],)], (value, "raw keeps the value as written")
        kind = value.get("kind", "")
        if kind.startswith("date_") and kind != "date_deleted":
            assert vendor.canonical_date(value["raw"], export_date) == value["expected"], value
        if kind.startswith("timestamp_"):
            assert vendor.canonical_timestamp(value["raw"], export_date) == value["expected"]
        if value["file"] not in STAGED:
            continue
        staged, found = _staged(wh, value["file"], "site", value["key"], case, identifiers)
        if (value["file"], json.dumps(value["key"])) in deleted:
            assert not found, (value, "a deleted record leaves the current view")
            checked_in_staging += 1
            continue
        staged, found = _staged(wh, value["file"], column, value["key"], case, identifiers)
        if not found:
            continue
        want = value["expected"]
        got = _as_text(staged, want)
        if isinstance(staged, date) and not isinstance(staged, datetime):
            want = want[:10]  # a timestamp staged as a date (ExportDate)
        assert got == want, (case, value, staged)
        checked_in_staging += 1
    assert checked_in_staging or not any(v["file"] in STAGED for v in spec["values"])


@pytest.mark.parametrize("case", [c for c in CASES if c.startswith(("dates_", "timestamps_",
                                                                     "codes_", "whitespace"))])
def test_every_value_read_from_a_vendor_layout_is_flagged(corpus, case: str) -> None:
    wh, _, _ = corpus
    for value in expected(case)["values"]:
        if not value.get("kind", "").startswith(READ_KINDS) or value["raw"] == value["expected"]:
            continue
        table = HMIS_FILES[value["file"]]
        column = column_name(value["field"])
        header = tuple(c for c in wh.columns("raw", table))
        if column not in field_kinds(table, header):
            continue  # not a checked field: staging reads it, nothing to flag
        flagged = wh.scalar("select count(*) from quarantine.flags where _site = ?"
                            " and source_table = ? and rule = ? and value = ?",
                            [case, table, f"layout:{column}", value["raw"]])
        assert flagged, value


def test_a_restamped_export_id_is_a_flag_never_a_rejection(corpus) -> None:
    wh, results, _ = corpus
    case = "export_id_restamped"
    assert sum(r.rows_quarantined for r in results[case]) == 0
    assert wh.scalar("select count(*) from quarantine.flags where _site = ?"
                     " and rule = 'references:export_id'", [case]) > 0
    staged = wh.rows("select distinct export_id from staging.stg_hmis__clients where site = ?",
                     [case])
    assert staged == [(expected(case)["export_id"],)]


def test_a_partial_export_loads_and_names_what_it_lacks(corpus) -> None:
    wh, results, _ = corpus
    statuses = {r.file.rsplit("/", 1)[1]: r.status for r in results["missing_organization"]}
    assert statuses["Organization.csv"] == "missing"
    assert statuses["Project.csv"] == "loaded"
    assert wh.scalar("select count(*) from staging.stg_hmis__projects where site = ?",
                     ["missing_organization"]) == 3
