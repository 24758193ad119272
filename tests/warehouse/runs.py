"""Run the whole Dagster job with a given environment, as the CLI does."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from orchestration.settings import Settings
from orchestration.warehouse import Warehouse


@dataclass(frozen=True)
class CommandRun:
    """A run started by `caseintel run` in a process of its own, as a user starts it, read
    back from the Dagster instance it recorded to."""

    output: str
    success: bool
    events: list[dg.EventLogEntry]

    def get_asset_check_evaluations(self) -> list[dg.AssetCheckEvaluation]:
        return [e.dagster_event.event_specific_data for e in self.events
                if e.dagster_event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION]

    def step_spans(self) -> dict[str, tuple[int, float, float]]:
        """Per step: the process it ran in, when it started and when it ended."""
        starts = {e.step_key: (e.dagster_event.pid, e.timestamp) for e in self.events
                  if e.dagster_event_type == dg.DagsterEventType.STEP_START}
        return {e.step_key: (*starts[e.step_key], e.timestamp) for e in self.events
                if e.dagster_event_type == dg.DagsterEventType.STEP_SUCCESS}


def run_command() -> CommandRun:
    """`caseintel run` with this process's environment and a Dagster instance of its own."""
    home = Settings.from_env().var_dir / "dagster_command"
    done = subprocess.run([str(Path(sys.executable).with_name("caseintel")), "run"],
                          env=os.environ | {"DAGSTER_HOME": str(home)}, capture_output=True,
                          text=True, timeout=900)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
        return CommandRun(done.stdout + done.stderr,
                          done.returncode == 0 and run.status == dg.DagsterRunStatus.SUCCESS,
                          list(instance.all_logs(run.run_id)))


def run_pipeline(env: dict[str, str], runs: int = 1, command: bool = False) -> dict:
    """Materialize every asset `runs` times with `env`; the environment is restored after.
    With `command`, the first run is `caseintel run` (run_command); the others run in
    this process.

    Returns the results (`first`, `second`), what the warehouse held before the second run
    (`before_rerun`), the environment the runs saw (`env`) and the warehouse (`target`).
    """
    with pytest.MonkeyPatch.context() as mp:
        for name in ("CASEINTEL_LLM_BASE_URL", "CASEINTEL_LLM_API_KEY", "OPENAI_API_KEY"):
            mp.delenv(name, raising=False)
        for name, value in env.items():
            mp.setenv(name, value)
        settings = Settings.from_env()
        from orchestration.definitions import defs

        instance = dg.DagsterInstance.ephemeral()
        job = defs.resolve_job_def("caseintel_pipeline")
        results = {"first": run_command() if command else
                   job.execute_in_process(instance=instance, raise_on_error=False)}
        with Warehouse.from_settings(settings, read_only=True) as wh:
            results["before_rerun"] = {
                "crosswalk": wh.rows("select record_key, person_id, link_rule"
                                     " from identity.crosswalk order by record_key"),
                "ledger": wh.scalar("select count(*) from raw.ingest_ledger"),
                "raw_notes": wh.scalar("select count(*) from raw.case_notes"),
            }
        if runs > 1:
            results["second"] = job.execute_in_process(instance=instance, raise_on_error=False)
        results["env"] = dict(os.environ)
        results["target"] = settings.warehouse_target
        return results
