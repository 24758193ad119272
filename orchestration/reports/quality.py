"""HMIS data quality: per project and site, how often each universal data element was
missing, answered "don't know" / "prefers not to answer", or broke the HUD spec, and how
late records were entered, worst offenders first. Rendered from the quality marts
(hmis_data_quality, hmis_dq_timeliness) once they are built."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from orchestration.reports.config import Edition
from orchestration.reports.data import Row, dicts
from orchestration.reports.rendering import Run

WORST_SHOWN = 40


@dataclass(frozen=True)
class Prepared:
    elements: list[Row]
    timeliness: list[Row]
    gaps: list[Row]


def prepare(run: Run) -> Prepared | None:
    """None (nothing to publish) until the data-quality marts exist."""
    if not run.wh.table_exists("marts", "hmis_data_quality"):
        return None
    timeliness = (dicts(run.wh, "select * from marts.hmis_dq_timeliness order by lateness_rank")
                  if run.wh.table_exists("marts", "hmis_dq_timeliness") else [])
    gaps = (dicts(run.wh, "select * from marts.hmis_export_gaps order by site, source_file")
            if run.wh.table_exists("marts", "hmis_export_gaps") else [])
    return Prepared(
        elements=dicts(run.wh, "select * from marts.hmis_data_quality order by error_rank"),
        timeliness=timeliness,
        gaps=gaps,
    )


def _projects(elements: list[Row]) -> list[dict[str, Any]]:
    """One line per project: its records, errors over all elements, and its worst element."""
    by_project: dict[tuple, list[Row]] = defaultdict(list)
    for row in elements:
        by_project[(row["site"], row["project_key"], row["project_name"])].append(row)
    projects = []
    for (site, key, name), rows in by_project.items():
        records, errors = sum(r["records"] or 0 for r in rows), sum(r["errors"] or 0 for r in rows)
        worst = min(rows, key=lambda r: r["error_rank"])
        projects.append({"site": site, "project_key": key, "project_name": name,
                         "project_type_name": rows[0]["project_type_name"],
                         "records": records, "errors": errors,
                         "error_rate": errors / records if records else 0.0,
                         "worst": worst if worst["errors"] else None})
    return sorted(projects, key=lambda p: (-p["error_rate"], -p["errors"], p["project_key"]))


def render(run: Run, edition: Edition, prepared: Prepared) -> str:
    in_scope = [r for r in prepared.elements if not edition.sites or r["site"] in edition.sites]
    timeliness = [r for r in prepared.timeliness
                  if not edition.sites or r["site"] in edition.sites]
    return run.render(
        "quality.html.j2", edition, run.links(edition),
        brief=run.briefs["data_quality"],
        period=in_scope[0]["period_label"] if in_scope else None,
        projects=_projects(in_scope),
        worst=[r for r in in_scope if r["errors"]][:WORST_SHOWN],
        timeliness=timeliness,
        gaps=[g for g in prepared.gaps if not edition.sites or g["site"] in edition.sites],
        aggregates_only=edition.level == "aggregates",
    )
