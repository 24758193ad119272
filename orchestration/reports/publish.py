"""Publish a report into every edition that carries it, then refresh every edition's index.

A report module has `prepare(run)` (work shared by all editions, done once; None when its
marts are not built) and `render(run, edition, prepared)` (one page). Missing & incomplete
also writes a page per worker (`missing.worker_pages`). The comprehensive report writes one
page per client instead (`client_pages.publish`), only where the client's data changed.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from orchestration.reports import aggregate, client_pages, missing, momentum, quality, unusual
from orchestration.reports.data import failed_drops
from orchestration.reports.rendering import GRADES, open_run
from orchestration.reports.site import (
    write_client_ids,
    write_index,
    write_no_data,
    write_pages,
    write_report,
)
from orchestration.server.scope import write_scope
from orchestration.settings import Settings
from orchestration.warehouse import Warehouse

SINGLE_PAGE: dict[str, ModuleType] = {
    "momentum": momentum, "missing_incomplete": missing, "unusual": unusual,
    "aggregate": aggregate, "data_quality": quality,
}


def publish_report(settings: Settings, report: str) -> list[Path]:
    """Write `report` for every edition that carries it; returns the pages written."""
    with open_run(settings) as run:
        editions = run.config.editions_with(report)
        if not editions:
            written = []
        elif run.as_of is None:
            written = [write_no_data(run, e, report) for e in editions]
        elif report == "comprehensive":
            written = client_pages.publish(run, list(editions))
            written += [write_client_ids(run, e) for e in editions]
        else:
            module = SINGLE_PAGE[report]
            prepared = module.prepare(run)
            written = [] if prepared is None else [
                write_report(run, e, report, module.render(run, e, prepared)) for e in editions]
            if report == "missing_incomplete" and prepared is not None:
                written += [path for e in editions
                            for path in write_pages(run, e, missing.WORKER_FOLDER,
                                                    missing.worker_pages(run, e, prepared))]
        if report == "comprehensive" and run.as_of is not None:
            # the server opens a client page by its client's site and worker: written once
            # per run, with the client pages
            write_scope(run.wh, settings.site_scope_path)
        for edition in run.config.editions:
            write_index(run, edition)
    return written


def failed_drop_lines(settings: Settings) -> list[str]:
    """One line per drop the latest ingest could not read: site, file, reason, what to do."""
    if settings.warehouse == "duckdb" and not settings.db_path.exists():
        return []
    with Warehouse.from_settings(settings, read_only=True) as wh:
        return [f"not loaded ({f['site']}): {f['reason']}. What to do: {f['remedy']}"
                for f in failed_drops(wh)]


def summary_lines(settings: Settings) -> list[str]:
    """What a person wants to read after a run: the grade counts and where the report is."""
    if settings.warehouse == "duckdb" and not settings.db_path.exists():
        return ["no warehouse yet"]
    with Warehouse.from_settings(settings, read_only=True) as wh:
        if not wh.table_exists("marts", "client_momentum"):
            return ["the marts were not built"]
        grades = dict(wh.rows("select grade, count(*) from marts.client_momentum group by grade"))
    lines = ["grades: " + ", ".join(f"{label} {grades.get(g, 0)}" for g, label in GRADES)]
    index = settings.site_dir / "index.html"
    lines.append(f"report: {index if index.exists() else 'not published'}")
    return lines
