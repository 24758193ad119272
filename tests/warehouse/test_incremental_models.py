"""The incremental models (HMIS, screen and milestone staging, case notes, touchpoints,
movement events, grades, the client-event and data-quality marts) end a nightly run exactly
where a full rebuild would, on DuckDB and on PostgreSQL: new people, a re-sent export with
re-dated and deleted records and a renamed project, whatever merges the new records cause,
and a later as-of date (a new month-end and a new current date; the oldest month leaves the
window)."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
import subprocess
import sys
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path

import pytest

from orchestration.demo.generator import generate_agency
from orchestration.settings import REPO_ROOT, Settings
from orchestration.transform.profile import profile_args
from orchestration.warehouse import Warehouse
from tests.e2e.conftest import AS_OF
from tests.warehouse.postgres_db import scratch_database
from tests.warehouse.runs import run_pipeline

MODELS = {"staging.stg_hmis__services": "service_key",
          "staging.stg_hmis__enrollments": "enrollment_key",
          "staging.stg_hmis__exits": "exit_key",
          "staging.stg_hmis__income_benefits": "income_benefits_key",
          "staging.stg_hmis__current_living_situations": "current_living_situation_key",
          "staging.stg_plans__milestones": "milestone_key",
          "staging.stg_screens__screens": "screen_key",
          "staging.stg_notes__case_notes": "note_key",
          "intermediate.int_touchpoints": "touchpoint_key",
          "intermediate.int_movement_events": "movement_key",
          "intermediate.int_client_grades": "person_id, as_of_date",
          "marts.report_client_events": "event_key",
          "marts.hmis_dq_checks": "element, project_key, subject_key"}
CHANGED_AT = "2026-10-31 12:00:00"


def _benchmark():
    spec = importlib.util.spec_from_file_location("pipeline_benchmark",
                                                  REPO_ROOT / "benchmarks" / "pipeline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def resend_export_with_changes(landing: Path) -> None:
    """A site sends its export again, with a service re-dated and another deleted at the
    source, an exit and an enrollment deleted, a project renamed, income and a living
    situation re-dated; and later files of milestones (one re-sent with an older status
    date, which must not win, one with a newer) and of screens (one re-sent, changed)."""
    export = sorted((landing / "hmis" / "north").iterdir())[0]
    again = export.with_name(f"{export.name}-again")
    shutil.copytree(export, again)
    deleted = {"DateDeleted": CHANGED_AT, "DateUpdated": CHANGED_AT}
    _rewrite(again / "Services.csv", again / "Services.csv",
             {1: {"DateProvided": "2026-10-30", "DateUpdated": CHANGED_AT}, 2: deleted})
    _rewrite(again / "Exit.csv", again / "Exit.csv", {1: deleted})
    _rewrite(again / "Project.csv", again / "Project.csv",
             {1: {"ProjectName": "Renamed", "DateUpdated": CHANGED_AT}})
    _rewrite(again / "Enrollment.csv", again / "Enrollment.csv", {2: deleted})
    _rewrite(again / "IncomeBenefits.csv", again / "IncomeBenefits.csv",
             {1: {"InformationDate": "2026-10-29", "DateUpdated": CHANGED_AT}})
    _rewrite(again / "CurrentLivingSituation.csv", again / "CurrentLivingSituation.csv",
             {1: {"InformationDate": "2026-10-28", "DateUpdated": CHANGED_AT}})
    plans = sorted((landing / "plans" / "north").glob("*.csv"))[0]
    _rewrite(plans, plans.with_name("milestones-again.csv"),
             {1: {"status_date": "2025-01-01", "status": "stalled"},
              2: {"status_date": "2026-10-30", "status": "stalled"}}, only_changed=True)
    screens = sorted((landing / "screens" / "north").glob("*.csv"))[0]
    _rewrite(screens, screens.with_name("screens-again.csv"),
             {1: {"screen_date": "2026-10-27"}}, only_changed=True)


def _rewrite(path: Path, target: Path, changes: dict[int, dict[str, str]],
             only_changed: bool = False) -> None:
    """Write `path` to `target` with fields of data rows changed (1 = the first row after
    the header); `only_changed` keeps just the header and the changed rows."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    column = {name: i for i, name in enumerate(rows[0])}
    for row, fields in changes.items():
        for name, value in fields.items():
            rows[row][column[name]] = value
    if only_changed:
        rows = [rows[0], *(rows[row] for row in sorted(changes))]
    with target.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def models(target) -> dict[str, list[tuple]]:
    with Warehouse(target, read_only=True) as wh:
        return {name: wh.rows(f"select * from {name} order by {key}")
                for name, key in MODELS.items()}


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_a_nightly_run_ends_where_a_full_rebuild_does(engine: str, tmp_path: Path) -> None:
    generate_agency(tmp_path / "demo", people=150, seed=5, as_of=AS_OF)
    landing = tmp_path / "demo" / "landing"
    database = scratch_database("caseintel_incr") if engine == "postgres" else nullcontext()
    with database as dsn:
        env = {"CASEINTEL_VAR": str(tmp_path / "var"), "CASEINTEL_LANDING": str(landing),
               "CASEINTEL_SITE": str(tmp_path / "site"), "CASEINTEL_AS_OF": AS_OF.isoformat(),
               "CASEINTEL_WAREHOUSE": engine,
               "CASEINTEL_DB": str(tmp_path / "var" / "caseintel.duckdb")}
        if dsn:
            env["CASEINTEL_PG_DSN"] = dsn
        assert run_pipeline(env)["first"].success
        _benchmark().add_new_data(landing, 15, "n1", tmp_path / "new_people")
        resend_export_with_changes(landing)
        nightly = run_pipeline(env)
        assert nightly["first"].success
        after_nightly = models(nightly["target"])
        assert all(after_nightly.values())
        assert any("Renamed" in str(row) for row in after_nightly["marts.report_client_events"])

        with pytest.MonkeyPatch.context() as mp:  # dbt on the run's warehouse, as the asset
            for name, value in env.items():
                mp.setenv(name, value)
            profile = profile_args(Settings.from_env(), tmp_path / "dbt_profile")

        def dbt(args: list[str]) -> subprocess.CompletedProcess:
            return subprocess.run(
                [str(Path(sys.executable).with_name("dbt")), *args, *profile],
                cwd=REPO_ROOT / "dbt_project", env=nightly["env"], capture_output=True,
                text=True, timeout=600)

        done = dbt(["build", "--full-refresh", "--vars", json.dumps({"as_of_date": str(AS_OF)}),
                    "--exclude", "test_type:unit",
                    "--select", *(name.split(".")[1] for name in MODELS)])
        assert done.returncode == 0, done.stdout[-3000:]
        assert models(nightly["target"]) == after_nightly

        later = {"as_of_date": str(AS_OF + timedelta(days=40))}
        grades = ["int_as_of_dates", "int_grade_inputs", "int_client_grades"]
        next_month = dbt(["run", "--vars", json.dumps(later), "--select", *grades])
        assert next_month.returncode == 0, next_month.stdout[-3000:]
        after_next_month = models(nightly["target"])
        rebuilt = dbt(["run", "--full-refresh", "--vars", json.dumps(later), "--select", *grades])
        assert rebuilt.returncode == 0, rebuilt.stdout[-3000:]
        assert models(nightly["target"]) == after_next_month
