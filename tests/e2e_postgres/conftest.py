"""The end-to-end run on PostgreSQL: the agency of tests/e2e, the same job, only the
warehouse settings changed. The first run is `caseintel run`, as a user starts it, so its
steps run in parallel processes (the job's executor on PostgreSQL); the second runs in this
process. The same agency also runs on DuckDB, to compare the two."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.demo.generator import generate_agency
from tests.e2e.conftest import AS_OF, PEOPLE
from tests.warehouse.postgres_db import scratch_database
from tests.warehouse.runs import run_pipeline

SEED = 11


@pytest.fixture(scope="package")
def pipeline(tmp_path_factory: pytest.TempPathFactory):
    with scratch_database("caseintel_e2e") as dsn:
        root: Path = tmp_path_factory.mktemp("agency_pg")
        generate_agency(root / "demo", people=PEOPLE, seed=SEED, as_of=AS_OF)
        common = {"CASEINTEL_VAR": str(root / "var"),
                  "CASEINTEL_LANDING": str(root / "demo" / "landing"),
                  "CASEINTEL_AS_OF": AS_OF.isoformat()}
        postgres = run_pipeline(common | {"CASEINTEL_WAREHOUSE": "postgres",
                                          "CASEINTEL_PG_DSN": dsn,
                                          "CASEINTEL_SITE": str(root / "site")},
                                runs=2, command=True)
        duckdb = run_pipeline(common | {"CASEINTEL_WAREHOUSE": "duckdb",
                                        "CASEINTEL_DB": str(root / "var" / "duck.duckdb"),
                                        "CASEINTEL_SITE": str(root / "site_duckdb")}, runs=1)
        yield {"root": root, "dsn": dsn, "postgres": postgres, "duckdb": duckdb}
