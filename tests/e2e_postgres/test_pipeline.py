"""The whole pipeline on PostgreSQL, checked against the ground truth and against DuckDB."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import combinations
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dagster as dg

from orchestration.settings import REPO_ROOT
from orchestration.warehouse import Warehouse
from tests.e2e.conftest import AS_OF
from tests.e2e.test_pipeline import _data_rows
from tests.e2e.truth import assert_grades_agree

GRADE_COLUMNS = ("person_id, grade, site, program, baseline_date, last_movement_date,"
                 " last_movement_kind, last_contact_date, days_since_contact,"
                 " overdue_survey_types")


def test_every_asset_materializes_and_every_check_passes(pipeline) -> None:
    result = pipeline["postgres"]["first"]
    assert result.success
    checks = result.get_asset_check_evaluations()
    failed = [(c.asset_key.to_user_string(), c.check_name) for c in checks
              if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR]
    assert checks and failed == []
    warned = {c.asset_key.to_user_string() for c in checks if not c.passed}
    # bad codes in projects and enrollments, emails padded with spaces on intake forms
    assert warned == {"raw/hmis_project", "raw/hmis_enrollment", "raw/intake_submissions"}


def test_caseintel_run_ran_steps_in_parallel_processes(pipeline) -> None:
    first = pipeline["postgres"]["first"]
    assert "steps run in up to" in first.output
    spans = first.step_spans()
    assert {"raw_hmis", "client_identity", "warehouse_models", "reports__momentum"} <= set(spans)
    assert len({pid for pid, _, _ in spans.values()}) > 1
    assert any(a_start < b_end and b_start < a_end
               for (_, a_start, a_end), (_, b_start, b_end) in combinations(spans.values(), 2))


def test_everything_lands_in_postgres(pipeline) -> None:
    with Warehouse(pipeline["dsn"], read_only=True) as wh:
        assert type(wh).__name__ == "PostgresWarehouse"
        schemas = {r[0] for r in wh.rows("select table_schema from information_schema.tables")}
        assert {"raw", "quarantine", "identity", "scoring", "staging", "intermediate",
                "marts"} <= schemas
        assert wh.scalar("select count(*) from marts.client_momentum") > 0
    assert not (pipeline["root"] / "var" / "caseintel.duckdb").exists()


def test_grades_agree_with_ground_truth_for_correctly_linked_people(pipeline) -> None:
    assert_grades_agree(pipeline["root"] / "demo" / "truth", pipeline["dsn"])


def test_same_person_ids_and_grades_as_on_duckdb(pipeline) -> None:
    def read(target) -> tuple[list, list, list]:
        with Warehouse(target, read_only=True) as wh:
            return (wh.rows("select record_key, person_id from identity.crosswalk"
                            " order by record_key"),
                    wh.rows(f"select {GRADE_COLUMNS} from marts.client_momentum"
                            " order by person_id"),
                    wh.rows("select category, label, count(*) from scoring.note_findings"
                            " group by category, label order by category, label"))

    assert read(pipeline["postgres"]["target"]) == read(pipeline["duckdb"]["target"])


def test_every_row_of_every_file_is_accounted_for(pipeline) -> None:
    landing = pipeline["root"] / "demo" / "landing"
    with Warehouse(pipeline["dsn"], read_only=True) as wh:
        ledger = wh.rows("select source_file, source_table, load_id, rows_read, rows_loaded,"
                         " rows_quarantined, status from raw.ingest_ledger")
        assert {row[6] for row in ledger} == {"loaded"}
        for source_file, table, load_id, read, loaded, quarantined, _ in ledger:
            assert read == _data_rows(landing / source_file) == loaded + quarantined
            assert wh.scalar(f"select count(*) from raw.{table} where _load_id = ?",
                             [load_id]) == loaded, source_file
    files = {p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_file()}
    assert files == {row[0] for row in ledger}


def test_second_run_with_no_new_files_does_no_ingest_work(pipeline) -> None:
    run = pipeline["postgres"]
    assert run["second"].success
    before = run["before_rerun"]
    with Warehouse(pipeline["dsn"], read_only=True) as wh:
        assert wh.scalar("select count(*) from raw.ingest_ledger") == before["ledger"]
        assert wh.scalar("select count(*) from raw.case_notes") == before["raw_notes"]
        assert wh.rows("select record_key, person_id, link_rule from identity.crosswalk"
                       " order by record_key") == before["crosswalk"]
        assert wh.scalar("select count(*) from scoring.note_reads"
                         " where read_at > (select min(read_at) from scoring.note_reads)") == 0
    for event in run["second"].get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        metadata = materialization.metadata
        if materialization.asset_key.path[0] == "raw" and "files_loaded" in metadata:
            assert metadata["files_loaded"].value == 0


def test_report_is_published_from_the_postgres_marts(pipeline) -> None:
    page = (pipeline["root"] / "site" / "momentum" / "latest.html").read_text()
    with Warehouse(pipeline["dsn"], read_only=True) as wh:
        red = wh.scalar("select count(*) from marts.client_momentum where grade = 'red'")
    assert f"Graded as of <strong>{AS_OF}</strong>" in page
    assert f'<div class="n red">{red}</div>' in page


def test_dbt_build_alone_also_works_on_postgres(pipeline) -> None:
    """dbt run by hand with the project's profiles.yml and its variables (docs/scale.md)."""
    url = urlsplit(pipeline["dsn"])
    by_hand = {"CASEINTEL_DBT_TARGET": "postgres", "CASEINTEL_PG_HOST": url.hostname or "",
               "CASEINTEL_PG_PORT": str(url.port or 5432),
               "CASEINTEL_PG_USER": unquote(url.username or ""),
               "CASEINTEL_PG_PASSWORD": unquote(url.password or ""),
               "CASEINTEL_PG_DBNAME": url.path.lstrip("/")}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "build", "--profiles-dir", ".",
         "--vars", json.dumps({"as_of_date": str(AS_OF)})],
        cwd=REPO_ROOT / "dbt_project", env=pipeline["postgres"]["env"] | by_hand,
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "target='postgres'" in done.stdout and "ERROR=0" in done.stdout
