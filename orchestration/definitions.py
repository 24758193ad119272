"""The caseintel code location: every asset, check, job, schedule and sensor, assembled once."""

import dagster as dg

from orchestration.identity.assets import client_identity
from orchestration.ingest.assets import ingest_assets
from orchestration.ingest.momentum_rubric import momentum_rubric
from orchestration.ingest.sensors import PIPELINE_JOB, daily_schedule, landing_sensor
from orchestration.reports.assets import report_assets
from orchestration.reports.rules import report_rules
from orchestration.reports.schedules import reports_job, reports_schedule
from orchestration.resources import CaseintelResource
from orchestration.scoring.assets import note_scores
from orchestration.settings import Settings
from orchestration.transform.assets import dbt_resource, warehouse_models

pipeline_job = dg.define_asset_job(
    PIPELINE_JOB,
    selection=dg.AssetSelection.all(),
    description="Ingest new files, link identities, read notes, build the marts, publish reports.",
)


def executor_for(settings: Settings) -> dg.ExecutorDefinition:
    """How a run's steps execute. A DuckDB file takes one writer process at a time, so its
    steps run one after another in one process; PostgreSQL takes many writers, so steps whose
    inputs are ready (the ingest assets; identity beside note reading; the reports) run in
    parallel processes, at most CASEINTEL_MAX_PROCESSES at once."""
    if settings.warehouse == "postgres":
        return dg.multiprocess_executor.configured({"max_concurrent": settings.max_processes})
    return dg.in_process_executor


defs = dg.Definitions(
    assets=[*ingest_assets, momentum_rubric, client_identity, note_scores, warehouse_models,
            report_rules, *report_assets],
    jobs=[pipeline_job, reports_job],
    schedules=[daily_schedule, reports_schedule()],
    sensors=[landing_sensor],
    resources={"caseintel": CaseintelResource(), "dbt": dbt_resource},
    executor=executor_for(Settings.from_env()),
)


def pipeline_job_definition() -> dg.JobDefinition:
    """The pipeline job, for runs whose steps execute in other processes (`dg.reconstructable`
    needs a function at module level)."""
    return defs.resolve_job_def(PIPELINE_JOB)
