"""Rows move from the staging area to the warehouse in batches, and a file the Python reader
parses (DuckDB rejected a line of it) is staged a slice at a time, so memory stays flat; the
warehouse ends up exactly as with one batch, including a key repeated across a batch boundary
and rows that break the contract."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from orchestration.ingest import loader, staging
from orchestration.ingest.landing import SOURCES_BY_NAME, discover
from tests.ingest.exports import export_rows, write_export

LOADED_AT = datetime(2026, 11, 1, 7)


def notes_file(landing: Path) -> None:
    lines = ["note_id,personal_id,note_date,author_id,note_type,text"]
    for i in range(1, 12):
        lines.append(f"n{i},p{i},2026-10-{i:02d},w1,contact,note {i}")
    lines += ["n3,p3,2026-10-20,w1,contact,repeats n3 from an earlier slice",
              ",p9,2026-10-21,w1,contact,no key",
              "n20,p20,2026-10-22,w1,contact,too,many,fields",
              "n21,,2026-10-23,w1,phone,no client"]
    path = landing / "notes" / "north" / "notes.csv"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def services_export(landing: Path) -> None:
    rows = export_rows()
    service = rows["Services.csv"][0]
    rows["Services.csv"] = [{**service, "ServicesID": f"S{i}"} for i in range(1, 9)]
    rows["Services.csv"].append({**service, "ServicesID": "S2"})  # repeats a key, later slice
    rows["Services.csv"].append({**service, "ServicesID": "S9", "EnrollmentID": "N404"})
    write_export(landing / "hmis" / "north" / "E1", rows=rows)


def load_everything(landing: Path, db: Path) -> dict[str, list[tuple]]:
    from orchestration.warehouse import Warehouse

    with Warehouse(db) as wh:
        for kind in ("hmis", "notes"):
            for drop in discover(landing, SOURCES_BY_NAME[kind]):
                loader.load_drop(wh, drop, LOADED_AT)
        return {
            "notes": wh.rows("select * exclude (_load_id) from raw.case_notes order by all"),
            "services": wh.rows("select * exclude (_load_id) from raw.hmis_services"
                                " order by all"),
            "quarantine": wh.rows("select _source_file, _source_row, _rule, _reason"
                                  " from quarantine.case_notes union all"
                                  " select _source_file, _source_row, _rule, _reason"
                                  " from quarantine.hmis_services order by all"),
            "ledger": wh.rows("select source_file, rows_read, rows_loaded, rows_quarantined,"
                              " rows_flagged, by_rule, status from raw.ingest_ledger"
                              " order by source_file"),
        }


@pytest.mark.parametrize("slice_rows", [2, 3, 5])
def test_loading_in_batches_is_loading_whole(slice_rows: int, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    landing = tmp_path / "landing"
    notes_file(landing)
    services_export(landing)
    whole = load_everything(landing, tmp_path / "whole.duckdb")
    monkeypatch.setattr(loader, "MOVE_ROWS", slice_rows)
    monkeypatch.setattr(staging, "PARSED_ROWS", slice_rows)
    sliced = load_everything(landing, tmp_path / "sliced.duckdb")
    assert sliced == whole
    rules = {(row[0].rsplit("/", 1)[1], row[1], row[2]) for row in whole["quarantine"]}
    assert {("notes.csv", 12, "unique:note_id"), ("Services.csv", 9, "unique:services_id"),
            ("Services.csv", 10, "references:enrollment_id")} <= rules
