"""HUD System Performance Measures on the Aggregate page: each measure with its universe,
numerator, denominator and definition (the `meta.spm` its dbt model declares, so the page
and the warehouse docs say the same thing), and its trend across reporting periods, the
current one first, as HUD's own SPM report puts last year beside this one.

Counts are cells of the page's disclosure: a funder's edition hides small universes and
numerators, and a rate that would give one back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from orchestration.reports.config import Edition
from orchestration.reports.data import Row, dicts
from orchestration.reports.disclosure import Cell, Disclosure
from orchestration.reports.rendering import Run


@dataclass(frozen=True)
class Measure:
    model: str
    key: str  # the column that tells the measure's rows apart (metric, window, population)
    label: str | None  # the column that names them, or None to name them from `key`
    nights: bool = False  # measure 1 reports nights (average, median), not a rate


MEASURES = (
    Measure("spm_m1_length_of_time_homeless", "metric", "metric_label", nights=True),
    Measure("spm_m2_returns_to_homelessness", "window_months", None),
    Measure("spm_m4_income_growth", "income_population", None),
    Measure("spm_m5_first_time_homeless", "metric", "metric_label"),
    Measure("spm_m7_permanent_placements", "measure", "measure_label"),
)
POPULATIONS = {"stayers": "Stayers (adults enrolled a year or more at the period end)",
               "leavers": "Leavers (adults who exited during the period)",
               "all_adults": "All adults (stayers and leavers)"}


@dataclass(frozen=True)
class Prepared:
    rows: dict[str, list[Row]]  # model -> its CoC- and site-level rows, every period
    meta: dict[str, dict[str, Any]]  # model -> meta.spm from the dbt manifest


def prepare(run: Run) -> Prepared:
    from orchestration.transform.project import dbt_project

    nodes = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))["nodes"]
    rows, meta = {}, {}
    for measure in MEASURES:
        if not run.wh.table_exists("marts", measure.model):
            continue
        rows[measure.model] = dicts(
            run.wh, f"select *, cast(period_start as varchar) as period_from,"
                    f" cast(period_end as varchar) as period_to from marts.{measure.model}"
                    " where reporting_level in ('coc', 'site') order by period_start desc")
        meta[measure.model] = nodes[f"model.caseintel.{measure.model}"]["config"]["meta"]["spm"]
    return Prepared(rows, meta)


def _name(measure: Measure, row: Row) -> str:
    if measure.label:
        return row[measure.label]
    if measure.key == "window_months":
        return f"Returned within {row['window_months']} months"
    return POPULATIONS.get(row[measure.key], row[measure.key])


def _ref(measure: Measure, column: str, row: Row) -> str:
    where = {k: row[k] for k in ("period_label", "reporting_level", "coc_code", "site",
                                 measure.key)}
    return json.dumps({"table": measure.model, "agg": "sum", "column": column,
                       "where": where}, sort_keys=True, default=str)


def _cell(disclosure: Disclosure, measure: Measure, column: str, row: Row) -> Cell:
    return disclosure.cell(row[column] or 0, _ref(measure, column, row))


def _groups(edition: Edition, rows: list[Row]) -> dict[tuple[str, str], list[Row]]:
    """(CoC, site) -> rows: the CoC as a whole, or each of an edition's own sites (a person
    served at two sites is in both site rows, so sites are shown, never added up)."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        wanted = (row["reporting_level"] == "site" and row["site"] in edition.sites
                  if edition.sites else row["reporting_level"] == "coc")
        if wanted:
            groups.setdefault((row["coc_code"], row["site"]), []).append(row)
    return groups


def _periods(rows: list[Row]) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for row in rows:  # newest first
        seen.setdefault(row["period_label"], {"label": row["period_label"],
                                              "start": row["period_from"],
                                              "end": row["period_to"]})
    return list(seen.values())


def measures(prepared: Prepared, edition: Edition, disclosure: Disclosure) -> list[dict]:
    """Each measure's definition and, per CoC (or site) and metric, a cell per period."""
    shown = []
    for measure in MEASURES:
        if measure.model not in prepared.rows:
            continue
        groups = []
        for (coc, site), rows in sorted(_groups(edition, prepared.rows[measure.model]).items()):
            periods = _periods(rows)
            lines = {}
            for row in rows:
                line = lines.setdefault(row[measure.key], {"name": _name(measure, row),
                                                           "periods": {}})
                values: dict[str, Any] = {"universe": _cell(disclosure, measure, "universe",
                                                            row)}
                if measure.nights:
                    values |= {"average": Cell(row["average_nights"],
                                               _ref(measure, "average_nights", row)),
                               "median": row["median_nights"]}
                else:
                    values |= {"numerator": _cell(disclosure, measure, "numerator", row),
                               "denominator": _cell(disclosure, measure, "denominator", row)}
                line["periods"][row["period_label"]] = values
            groups.append({"coc": coc, "site": site if edition.sites else None,
                           "periods": periods,
                           "lines": sorted(lines.values(), key=lambda line: line["name"])})
        shown.append({"model": measure.model, "nights": measure.nights,
                      "meta": prepared.meta[measure.model], "groups": groups})
    return shown


def rates(shown: list[dict], disclosure: Disclosure) -> None:
    """After the page's cells are protected: each period's rate, or None where it would
    give back a hidden count; measure 1's nights hidden with a hidden universe."""
    for measure in shown:
        for group in measure["groups"]:
            for line in group["lines"]:
                for values in line["periods"].values():
                    if measure["nights"]:
                        values["hidden"] = values["universe"].hidden
                    else:
                        values["rate"] = disclosure.rate(values["numerator"],
                                                         values["denominator"])
