"""Automation: a sensor that notices new landing files, and a daily schedule as a safety net."""

import hashlib

import dagster as dg

from orchestration.settings import Settings

PIPELINE_JOB = "caseintel_pipeline"


ENTRY_CHARS = 16  # hex characters of one landing file's entry in the sensor's cursor


def landing_entries(settings: Settings) -> frozenset[str]:
    """A cheap fingerprint of each landing file (its name, size and modification time).

    The sensor only decides whether to start a run; the run itself fingerprints file bytes
    (SHA-256) and skips what was loaded before, so a touched-but-unchanged file costs nothing.
    """
    entries = set()
    root = settings.landing_dir
    if root.is_dir():
        for path in (p for p in root.rglob("*") if p.is_file()):
            stat = path.stat()
            entry = f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}"
            entries.add(hashlib.sha256(entry.encode()).hexdigest()[:ENTRY_CHARS])
    return frozenset(entries)


def landing_change(settings: Settings, cursor: str | None) -> tuple[str, str | None]:
    """The new cursor, and why to start a run (None: no run). A file added or changed starts
    one; a file gone starts one only when the landing folder is kept, since a run that
    archives or deletes what it loaded takes files away itself."""
    entries = landing_entries(settings)
    before = {(cursor or "")[i:i + ENTRY_CHARS]
              for i in range(0, len(cursor or ""), ENTRY_CHARS)}
    state = "".join(sorted(entries))
    if not entries:
        return state, None
    if entries - before:
        return state, f"{len(entries - before)} landing files added or changed"
    if before - entries and settings.landing_retention == "keep":
        return state, f"{len(before - entries)} landing files taken away"
    return state, None


@dg.sensor(job_name=PIPELINE_JOB, minimum_interval_seconds=60,
           default_status=dg.DefaultSensorStatus.RUNNING)
def landing_sensor(context: dg.SensorEvaluationContext):
    """Start the pipeline when files are added to or changed in the landing folder."""
    state, why = landing_change(Settings.from_env(), context.cursor)
    changed = state != (context.cursor or "")
    if changed:
        context.update_cursor(state)
    if why is None:
        count = len(state) // ENTRY_CHARS
        return dg.SkipReason("The landing folder is empty." if not count else
                             f"{count} landing files, none new or changed"
                             + (" (some were archived or deleted)" if changed else "") + ".")
    run_key = hashlib.sha256(state.encode()).hexdigest()
    return dg.RunRequest(run_key=run_key, tags={"caseintel/trigger": "landing_sensor"})


daily_schedule = dg.ScheduleDefinition(
    name="caseintel_daily",
    job_name=PIPELINE_JOB,
    cron_schedule="0 5 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Runs the whole pipeline every morning, so grades age even without new files.",
)
