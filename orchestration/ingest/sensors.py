"""Automation: a sensor that notices new landing files, and a daily schedule as a safety net."""

import hashlib

import dagster as dg

from orchestration.settings import Settings

PIPELINE_JOB = "caseintel_pipeline"


def landing_fingerprint(settings: Settings) -> tuple[str, int]:
    """A cheap fingerprint of the landing folder (names, sizes, modification times).

    The sensor only decides whether to start a run; the run itself fingerprints file bytes
    (SHA-256) and skips what was loaded before, so a touched-but-unchanged file costs nothing.
    """
    digest = hashlib.sha256()
    count = 0
    root = settings.landing_dir
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
            count += 1
    return digest.hexdigest(), count


@dg.sensor(job_name=PIPELINE_JOB, minimum_interval_seconds=60,
           default_status=dg.DefaultSensorStatus.RUNNING)
def landing_sensor(context: dg.SensorEvaluationContext):
    """Start the pipeline when files are added to or changed in the landing folder."""
    fingerprint, count = landing_fingerprint(Settings.from_env())
    if count == 0:
        return dg.SkipReason("The landing folder is empty.")
    if fingerprint == context.cursor:
        return dg.SkipReason(f"No change among {count} landing files.")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint, tags={"caseintel/trigger": "landing_sensor"})


daily_schedule = dg.ScheduleDefinition(
    name="caseintel_daily",
    job_name=PIPELINE_JOB,
    cron_schedule="0 5 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Runs the whole pipeline every morning, so grades age even without new files.",
)
