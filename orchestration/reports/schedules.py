"""The reports job and its schedule: publish every report from the marts as they stand,
on the cadence rubrics/reports.yaml sets (weekly, Monday 06:00, by default)."""

import dagster as dg

from orchestration.reports.assets import report_assets
from orchestration.reports.config import load_reports_config
from orchestration.settings import Settings

REPORTS_JOB = "caseintel_reports"

reports_job = dg.define_asset_job(
    REPORTS_JOB,
    selection=dg.AssetSelection.assets(*report_assets),
    description="Publish every report and edition to the static site from the current marts.",
)


def reports_schedule() -> dg.ScheduleDefinition:
    config = load_reports_config(Settings.from_env().rubrics_dir / "reports.yaml")
    return dg.ScheduleDefinition(
        name="caseintel_reports_schedule",
        job=reports_job,
        cron_schedule=config.cron,
        execution_timezone=config.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Publishes the reports on rubrics/reports.yaml's schedule ({config.cron}, "
                    f"{config.timezone}).",
    )
