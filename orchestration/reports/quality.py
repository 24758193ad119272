"""HMIS data quality: per project and site, how often each universal data element was
missing, answered "don't know" / "prefers not to answer", or broke the HUD spec, and how
late records were entered, worst offenders first; then how the newest file of each kind met
its data contract (its Great Expectations validation results: our own data docs, which read
nothing from the internet). Rendered from the quality marts once they are built."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from orchestration.reports.config import Edition
from orchestration.reports.data import Row, dicts
from orchestration.reports.disclosure import Disclosure
from orchestration.reports.rendering import Run

WORST_SHOWN = 40


@dataclass(frozen=True)
class Prepared:
    elements: list[Row]
    timeliness: list[Row]
    gaps: list[Row]
    contract: list[Row]


def prepare(run: Run) -> Prepared | None:
    """None (nothing to publish) until the data-quality marts exist."""
    if not run.wh.table_exists("marts", "hmis_data_quality"):
        return None
    timeliness = (dicts(run.wh, "select * from marts.hmis_dq_timeliness order by lateness_rank")
                  if run.wh.table_exists("marts", "hmis_dq_timeliness") else [])
    gaps = (dicts(run.wh, "select * from marts.hmis_export_gaps order by site, source_file")
            if run.wh.table_exists("marts", "hmis_export_gaps") else [])
    contract = (dicts(run.wh, "select * from marts.ingest_contract_results"
                              " order by site, source_table, load_id, rule")
                if run.wh.table_exists("marts", "ingest_contract_results") else [])
    return Prepared(
        elements=dicts(run.wh, "select * from marts.hmis_data_quality order by error_rank"),
        timeliness=timeliness,
        gaps=gaps,
        contract=contract,
    )


ELEMENT_COUNTS = ("records", "dk_pna", "missing", "data_issues", "errors")
DAYS = ("days_0", "days_1_3", "days_4_6", "days_7_10", "days_11_plus", "days_unknown")


def _counted(row: Row, columns: tuple[str, ...], disclosure: Disclosure) -> dict[str, Any]:
    """The row with each count of people or records as a cell of the page's disclosure."""
    return {**row, **{c: disclosure.cell(row[c] or 0) for c in columns}}


def _elements(rows: list[Row], disclosure: Disclosure) -> list[dict[str, Any]]:
    elements = []
    for row in rows:
        element = _counted(row, ELEMENT_COUNTS, disclosure)
        disclosure.relate(element["errors"], [element[c] for c in ("dk_pna", "missing",
                                                                    "data_issues")])
        elements.append(element)
    return elements


def _projects(elements: list[dict[str, Any]], disclosure: Disclosure) -> list[dict[str, Any]]:
    """One line per project: its records, errors over all elements, and its worst element."""
    by_project: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for row in elements:
        by_project[(row["site"], row["project_key"], row["project_name"])].append(row)
    projects = []
    for (site, key, name), rows in by_project.items():
        project = {"site": site, "project_key": key, "project_name": name,
                   "project_type_name": rows[0]["project_type_name"],
                   "records": disclosure.cell(sum(r["records"].value for r in rows)),
                   "errors": disclosure.cell(sum(r["errors"].value for r in rows))}
        for column in ("records", "errors"):
            disclosure.relate(project[column], [r[column] for r in rows])
        worst = min(rows, key=lambda r: r["error_rank"])
        project["worst"] = worst if worst["errors"].value else None
        projects.append(project)
    return sorted(projects, key=lambda p: (-p["errors"].value / (p["records"].value or 1),
                                           -p["errors"].value, p["project_key"]))


def _timeliness(rows: list[Row], disclosure: Disclosure) -> list[dict[str, Any]]:
    timeliness = []
    for row in rows:
        counted = _counted(row, ("records", *DAYS), disclosure)
        disclosure.relate(counted["records"], [counted[c] for c in DAYS])
        timeliness.append(counted)
    return timeliness


def _contract(rows: list[Row], disclosure: Disclosure) -> tuple[list[dict], list[dict]]:
    """Per file, the expectations evaluated and those that failed by severity; and each
    failed expectation, rows breaking it first (counts of records, suppressed like any)."""
    files: dict[str, dict[str, Any]] = {}
    failed = []
    for row in rows:
        file = files.setdefault(row["load_id"], {
            "site": row["site"], "source_file": row["source_file"], "suite": row["suite"],
            "loaded_at": row["loaded_at"], "evaluated": 0, "critical": 0, "warning": 0})
        file["evaluated"] += 1
        if not row["success"]:
            file[row["severity"]] += 1
            failed.append(_counted(row, ("element_count", "unexpected_count"), disclosure))
    return (list(files.values()),
            sorted(failed, key=lambda r: (r["severity"] != "critical",
                                          -r["unexpected_count"].value, r["result_key"])))


def render(run: Run, edition: Edition, prepared: Prepared) -> str:
    disclosure = Disclosure(edition.suppression_threshold)
    in_scope = [r for r in prepared.elements if not edition.sites or r["site"] in edition.sites]
    elements = _elements(in_scope, disclosure)
    projects = _projects(elements, disclosure)
    timeliness = _timeliness([r for r in prepared.timeliness
                              if not edition.sites or r["site"] in edition.sites], disclosure)
    files, failed = _contract([r for r in prepared.contract
                               if not edition.sites or r["site"] in edition.sites], disclosure)
    disclosure.protect()
    return run.render(
        "quality.html.j2", edition, run.links(edition),
        contract_files=files,
        contract_failed=failed,
        brief=run.briefs["data_quality"],
        period=in_scope[0]["period_label"] if in_scope else None,
        projects=projects,
        worst=[r for r in elements if r["errors"].value][:WORST_SHOWN],
        timeliness=timeliness,
        gaps=[g for g in prepared.gaps if not edition.sites or g["site"] in edition.sites],
        rate=disclosure.rate,
    )
