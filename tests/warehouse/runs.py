"""Run the whole Dagster job in this process with a given environment, as the CLI does."""

from __future__ import annotations

import os

import dagster as dg
import pytest

from orchestration.settings import Settings
from orchestration.warehouse import Warehouse


def run_pipeline(env: dict[str, str], runs: int = 1) -> dict:
    """Materialize every asset `runs` times with `env`; the environment is restored after.

    Returns the results (`first`, `second`), what the warehouse held before the second run
    (`before_rerun`), the environment the runs saw (`env`) and the warehouse (`target`).
    """
    with pytest.MonkeyPatch.context() as mp:
        for name in ("CASEINTEL_LLM_BASE_URL", "CASEINTEL_LLM_API_KEY", "OPENAI_API_KEY"):
            mp.delenv(name, raising=False)
        for name, value in env.items():
            mp.setenv(name, value)
        settings = Settings.from_env()
        for name, value in settings.dbt_env().items():  # the dbt asset exports these
            mp.setenv(name, value)
        from orchestration.definitions import defs

        instance = dg.DagsterInstance.ephemeral()
        job = defs.resolve_job_def("caseintel_pipeline")
        results = {"first": job.execute_in_process(instance=instance, raise_on_error=False)}
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
