"""A site's newer HMIS export supersedes older rows by key and DateUpdated; deletions in the
newer export remove records from the current (staging) view but stay in raw."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from orchestration.ingest.landing import SOURCES_BY_NAME, discover
from orchestration.ingest.loader import load_drop
from orchestration.settings import REPO_ROOT
from orchestration.warehouse import Warehouse
from tests.dbt_args import build_with_seeds
from tests.ingest.exports import export_rows, write_export

LATER = "2026-09-01 10:00:00"


def newer_export() -> dict:
    rows = export_rows(export_id="E2")
    rows["Export.csv"][0]["ExportDate"] = "2026-10-31 23:30:00"
    enrollment = rows["Enrollment.csv"][1]            # N2: the client moved in
    enrollment.update(MoveInDate="2026-08-15", DateUpdated=LATER)
    client = rows["Client.csv"][1]                    # client 2 was deleted in the source HMIS
    client.update(DateDeleted=LATER, DateUpdated=LATER)
    rows["Services.csv"].append({**rows["Services.csv"][0], "ServicesID": "S2",
                                 "DateProvided": "2026-08-20", "DateUpdated": LATER})
    return rows


def build_staging(db: Path) -> None:
    dbt = Path(sys.executable).with_name("dbt")
    done = subprocess.run(
        [str(dbt), *build_with_seeds("stg_hmis__clients", "stg_hmis__enrollments",
                                     "stg_hmis__services"), "--profiles-dir", "."],
        cwd=REPO_ROOT / "dbt_project", capture_output=True, text=True, timeout=300,
        env={**os.environ, "CASEINTEL_DB": str(db)})
    assert done.returncode == 0, done.stdout[-2000:]


def test_newer_export_supersedes_and_deletes(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_export(landing / "hmis" / "north" / "E1")
    write_export(landing / "hmis" / "north" / "E2", rows=newer_export())
    db = tmp_path / "w.duckdb"
    with Warehouse(db) as wh:
        for drop in discover(landing, SOURCES_BY_NAME["hmis"]):
            # the header-only files of both exports are the same bytes: loaded once
            statuses = {r.status for r in load_drop(wh, drop, datetime(2026, 11, 1))}
            assert "loaded" in statuses and statuses <= {"loaded", "skipped"}
        assert wh.scalar("select count(*) from raw.hmis_client") == 4  # both exports kept
    build_staging(db)
    with Warehouse(db, read_only=True) as wh:
        assert wh.rows("select personal_id from staging.stg_hmis__clients") == [("1",)]
        assert wh.rows("select enrollment_id, cast(move_in_date as varchar), export_id"
                       " from staging.stg_hmis__enrollments order by 1") == [
            ("N1", None, "E2"), ("N2", "2026-08-15", "E2")]  # unchanged rows: newest copy
        assert wh.scalar("select count(*) from staging.stg_hmis__services") == 2
