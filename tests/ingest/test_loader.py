"""Loading files into raw: lineage, idempotence, accounting, all-or-nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from orchestration.ingest.loader import load_file
from orchestration.ingest.sources import SOURCES_BY_NAME, discover

NOW = datetime(2026, 11, 1, 6, 0)


def _drop(landing: Path, relative: str, text: str) -> None:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _load_all(warehouse, landing: Path, kind: str):
    return [load_file(warehouse, lf, NOW) for lf in discover(landing, SOURCES_BY_NAME[kind])]


def test_every_row_carries_lineage(warehouse, tmp_path: Path) -> None:
    _drop(tmp_path, "screens/north/s.csv", "screen_id,personal_id,total_score\n1,10,12\n2,11,3\n")
    [result] = _load_all(warehouse, tmp_path, "screens")
    assert (result.status, result.rows_loaded) == ("loaded", 2)
    rows = warehouse.rows(
        "select screen_id, _site, _source_file, _source_row, length(_file_sha256)"
        " from raw.screens order by _source_row")
    assert rows == [("1", "north", "screens/north/s.csv", 1, 64),
                    ("2", "north", "screens/north/s.csv", 2, 64)]


def test_same_file_twice_is_a_no_op(warehouse, tmp_path: Path) -> None:
    _drop(tmp_path, "screens/north/s.csv", "screen_id,total_score\n1,12\n")
    _load_all(warehouse, tmp_path, "screens")
    [again] = _load_all(warehouse, tmp_path, "screens")
    assert again.status == "skipped"
    assert warehouse.scalar("select count(*) from raw.screens") == 1


def test_read_equals_loaded_plus_quarantined(warehouse, tmp_path: Path) -> None:
    _drop(tmp_path, "plans/south/m.csv", "milestone_id,status\n1,met\n2,met,oops\n3,stalled\n")
    [result] = _load_all(warehouse, tmp_path, "plans")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert warehouse.rows("select _source_row, _rule from quarantine.plan_milestones") == [
        (2, "field_count")]
    ledger = warehouse.rows(
        "select rows_read, rows_loaded, rows_quarantined, status from raw.ingest_ledger")
    assert ledger == [(3, 2, 1, "loaded")]


def test_unreadable_file_loads_nothing_and_is_recorded(warehouse, tmp_path: Path) -> None:
    _drop(tmp_path, "surveys/east/s.csv", "response_id,response_id\n1,2\n")
    [result] = _load_all(warehouse, tmp_path, "surveys")
    assert result.status == "failed"
    assert "surveys/east/s.csv" in result.message
    assert not warehouse.table_exists("raw", "survey_responses")
    assert warehouse.rows("select status from raw.ingest_ledger") == [("failed",)]


def test_newer_layout_adds_columns_without_losing_old_rows(warehouse, tmp_path: Path) -> None:
    _drop(tmp_path, "hmis/north/e1/Client.csv", "PersonalID,Woman\n1,1\n")
    _drop(tmp_path, "hmis/east/e2/Client.csv", "PersonalID,Sex\n9,0\n")
    results = _load_all(warehouse, tmp_path, "hmis")
    assert [r.status for r in results] == ["loaded", "loaded"]
    rows = warehouse.rows(
        "select personal_id, woman, sex, _csv_version from raw.hmis_client order by personal_id")
    assert rows == [("1", "1", None, "FY2024"), ("9", None, "0", "FY2026")]


def test_export_csv_is_loaded_first_and_names_the_version(warehouse, tmp_path: Path) -> None:
    _drop(tmp_path, "hmis/north/e1/Client.csv", "PersonalID\n1\n")
    _drop(tmp_path, "hmis/north/e1/Export.csv", "ExportID,CSVVersion\ne1,2024 v1.0\n")
    results = _load_all(warehouse, tmp_path, "hmis")
    assert [r.table for r in results] == ["hmis_export", "hmis_client"]
    assert warehouse.scalar("select _csv_version from raw.hmis_client") == "FY2024"
