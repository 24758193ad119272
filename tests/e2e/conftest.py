"""One pipeline run on a small generated agency, shared by every end-to-end test."""

from __future__ import annotations

import os
from datetime import date

import dagster as dg
import pytest

from orchestration.demo.generator import generate_agency
from orchestration.warehouse import Warehouse

AS_OF = date(2026, 11, 1)
PEOPLE = 200


@pytest.fixture(scope="package")
def pipeline(tmp_path_factory: pytest.TempPathFactory):
    """Generate an agency, run every asset once, and hand the test the paths and results."""
    root = tmp_path_factory.mktemp("agency")
    generate_agency(root / "demo", people=PEOPLE, seed=11, as_of=AS_OF)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEINTEL_VAR", str(root / "var"))
        mp.setenv("CASEINTEL_DB", str(root / "var" / "caseintel.duckdb"))
        mp.setenv("CASEINTEL_LANDING", str(root / "demo" / "landing"))
        mp.setenv("CASEINTEL_SITE", str(root / "site"))
        mp.setenv("CASEINTEL_AS_OF", AS_OF.isoformat())
        for name in ("CASEINTEL_LLM_BASE_URL", "CASEINTEL_LLM_API_KEY", "OPENAI_API_KEY"):
            mp.delenv(name, raising=False)
        from orchestration.definitions import defs

        instance = dg.DagsterInstance.ephemeral()
        job = defs.resolve_job_def("caseintel_pipeline")
        first = job.execute_in_process(instance=instance)
        with Warehouse(root / "var" / "caseintel.duckdb", read_only=True) as wh:
            snapshot = {
                "crosswalk": wh.rows("select * from identity.crosswalk order by all"),
                "ledger": wh.scalar("select count(*) from raw.ingest_ledger"),
                "raw_notes": wh.scalar("select count(*) from raw.case_notes"),
            }
        second = job.execute_in_process(instance=instance)
        yield {"root": root, "first": first, "second": second, "before_rerun": snapshot,
               "db": root / "var" / "caseintel.duckdb", "env": dict(os.environ)}


