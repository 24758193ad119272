"""Aggregate: cohort momentum per program, site and month (and the flows between grades),
stall-reason clusters over time, follow-up outcomes, caseloads per worker. No person IDs.

Every count is a `Cell`: its value, computed here from the mart's rows, and a `ref` saying
in plain data which mart rows it counts (table, sum/count/median, filters). The page
carries the ref beside the number (data-ref), so a test can re-count each one with SQL.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from orchestration.reports import charts, spm
from orchestration.reports.config import Edition
from orchestration.reports.data import Row, dicts
from orchestration.reports.disclosure import Cell, Disclosure
from orchestration.reports.rendering import GRADES, Run

NOT_NULL = object()
MOVES = {  # flow summaries: (from grades, to grades)
    "improved": (["amber", "red"], ["green"]),
    "slipped": (["green", "amber"], ["red"]),
    "new": (["new"], ["green", "amber", "red", "closed"]),
    "closed": (["green", "amber", "red"], ["closed"]),
}
# followup_outcomes columns counted: whether the survey is due, answered, and what it said.
OUTCOME_COLUMNS = ("is_due", "has_response", "is_stably_housed_at_followup",
                   "employment_change", "income_change", "phq9_is_improved")
CASELOAD_BANDS = ((1, 5), (6, 10), (11, 15), (16, 20), (21, 1_000_000))
TRAILING_MONTHS = 6


def _matches(value: Any, wanted: Any) -> bool:
    if wanted is None:
        return value is None
    if wanted is NOT_NULL:
        return value is not None
    if isinstance(wanted, list):
        return value in wanted
    if isinstance(wanted, tuple):
        return value is not None and wanted[0] <= value <= wanted[1]
    return str(value) == str(wanted)


def _encode(wanted: Any) -> Any:
    if wanted is None:
        return {"is": "null"}
    if wanted is NOT_NULL:
        return {"is": "not null"}
    if isinstance(wanted, tuple):
        return {"between": list(wanted)}
    return wanted


class Tally:
    """Counts over one mart's rows, each returned with the ref that re-counts it.

    `scope` filters (an edition's sites and programs) apply to every count; counts of people
    are cells of the page's `disclosure`, which decides which of them it may show."""

    def __init__(self, table: str, rows: Iterable[Row], scope: dict[str, Any],
                 disclosure: Disclosure):
        self.table = table
        self.scope = scope
        self.disclosure = disclosure
        self.rows = [r for r in rows if all(_matches(r.get(k), v) for k, v in scope.items())]

    def _select(self, where: dict[str, Any]) -> list[Row]:
        return [r for r in self.rows if all(_matches(r.get(k), v) for k, v in where.items())]

    def _ref(self, agg: str, column: str | None, where: dict[str, Any]) -> str:
        return json.dumps({"table": self.table, "agg": agg, "column": column,
                           "where": {k: _encode(v) for k, v in {**self.scope, **where}.items()}},
                          sort_keys=True)

    def sum(self, column: str, **where: Any) -> Cell:
        return self.disclosure.cell(sum(r[column] or 0 for r in self._select(where)),
                                    self._ref("sum", column, where))

    def total(self, column: str, **where: Any) -> Cell:
        """A sum that does not count people (beds, units): never suppressed."""
        return Cell(sum(r[column] or 0 for r in self._select(where)),
                    self._ref("sum", column, where))

    def count(self, **where: Any) -> Cell:
        return self.disclosure.cell(len(self._select(where)), self._ref("count", None, where))

    def median(self, column: str, **where: Any) -> Cell:
        values = [r[column] for r in self._select(where) if r[column] is not None]
        return Cell(statistics.median(values) if values else 0, self._ref("median", column, where))


@dataclass(frozen=True)
class Prepared:
    cohorts: list[Row]
    flows: list[Row]
    trends: list[Row]
    stalled: list[Row]
    caseloads: list[Row]
    outcomes: list[Row]
    chronic: list[Row]
    chronic_outcomes: list[Row]
    inventory: list[Row]
    dates: list[str]
    measures: spm.Prepared


def prepare(run: Run) -> Prepared:
    wh = run.wh
    dated = "cast(as_of_date as varchar) as as_of_date"
    return Prepared(
        cohorts=dicts(wh, f"select {dated}, site, program, green_clients, amber_clients,"
                          " red_clients, closed_clients, open_clients from marts.cohort_momentum"),
        flows=dicts(wh, f"select {dated}, site, program, from_grade, to_grade, clients"
                        " from marts.cohort_flows"),
        trends=dicts(wh, f"select {dated}, site, program, cluster_key, cluster_label, reasons"
                         " from marts.report_stall_reason_trends"),
        stalled=dicts(wh, "select site, program, reason_cluster_key, reason_cluster_label"
                          " from marts.stall_reasons"),
        caseloads=dicts(wh, f"select {dated}, worker_id, worker_site, open_clients"
                            " from marts.report_caseloads"),
        outcomes=_outcomes(run),
        chronic=_rows(run, "chronic_momentum", f"select {dated}, site, chronic_status, clients,"
                      " green_clients, amber_clients, red_clients, closed_clients"),
        chronic_outcomes=_rows(run, "chronic_outcomes", "select survey_type, chronic_status,"
                               " due, responded, stably_housed"),
        inventory=_rows(run, "inventory_utilization", "select site, project_key, project_name,"
                        " project_type_name, beds, units, chronic_beds, people_enrolled"),
        dates=[str(d) for (d,) in wh.rows(
            "select distinct as_of_date from marts.cohort_momentum order by as_of_date")],
        measures=spm.prepare(run),
    )


def _rows(run: Run, mart: str, select: str) -> list[Row]:
    """A mart's rows, or none while it is not built."""
    if not run.wh.table_exists("marts", mart):
        return []
    return dicts(run.wh, f"{select} from marts.{mart}")


CHRONIC_LABELS = {"yes": "Chronically homeless", "no": "Not chronically homeless",
                  "dk_r": "Doesn't know / prefers not to answer", "missing": "Not collected",
                  "not_hmis": "No HMIS enrollment"}


def _chronic(prepared: Prepared, edition: Edition, latest: str | None,
             disclosure: Disclosure) -> dict[str, Any]:
    """Grades and follow-up outcomes by chronic homelessness at program start (HUD)."""
    momentum = Tally("chronic_momentum", prepared.chronic, _scope(edition, program=None),
                     disclosure)
    now = {"as_of_date": latest}
    statuses = [s for s in CHRONIC_LABELS if any(r["chronic_status"] == s for r in momentum.rows)]
    outcomes = Tally("chronic_outcomes", prepared.chronic_outcomes, {}, disclosure)
    rows = []
    for s in statuses:
        row = {"label": CHRONIC_LABELS[s],
               "clients": momentum.sum("clients", **now, chronic_status=s),
               "grades": [momentum.sum(f"{g}_clients", **now, chronic_status=s)
                          for g, _ in GRADES]}
        disclosure.relate(row["clients"], row["grades"])
        rows.append(row)
    return {
        "momentum": rows,
        # outcomes are agency-wide: a site split of a split would leave only small cells
        "outcomes": [] if edition.sites or edition.programs else [
            {"survey_type": survey, "label": CHRONIC_LABELS[s],
             "due": outcomes.sum("due", survey_type=survey, chronic_status=s),
             "responded": outcomes.sum("responded", survey_type=survey, chronic_status=s),
             "housed": outcomes.sum("stably_housed", survey_type=survey, chronic_status=s)}
            for survey in sorted({r["survey_type"] for r in outcomes.rows})
            for s in CHRONIC_LABELS if any(r["chronic_status"] == s and
                                           r["survey_type"] == survey for r in outcomes.rows)],
    }


def _inventory(prepared: Prepared, edition: Edition,
               disclosure: Disclosure) -> list[dict[str, Any]]:
    """Beds, units and people enrolled per project on the grading date (HMIS Inventory)."""
    inventory = Tally("inventory_utilization", prepared.inventory, _scope(edition, program=None),
                      disclosure)
    rows = []
    for row in sorted(inventory.rows, key=lambda r: (r["site"], r["project_key"])):
        key = {"project_key": row["project_key"]}
        rows.append({"site": row["site"], "project": row["project_name"] or row["project_key"],
                     "type": row["project_type_name"], "beds": inventory.total("beds", **key),
                     "units": inventory.total("units", **key),
                     "people": inventory.sum("people_enrolled", **key)})
    return rows


def _outcomes(run: Run) -> list[Row]:
    """Follow-up outcomes per person and survey type, from the outcomes mart once built."""
    if not run.wh.table_exists("marts", "followup_outcomes"):
        return []
    return dicts(run.wh, f"select survey_type, site, program, {', '.join(OUTCOME_COLUMNS)}"
                         " from marts.followup_outcomes")


def _is_month_end(day: str) -> bool:
    return (date.fromisoformat(day) + timedelta(days=1)).day == 1


def _scope(edition: Edition, site: str = "site", program: str | None = "program") -> dict:
    scope: dict[str, Any] = {}
    if edition.sites:
        scope[site] = list(edition.sites)
    if edition.programs and program:
        scope[program] = list(edition.programs)
    return scope


def _momentum(prepared: Prepared, edition: Edition, disclosure: Disclosure) -> dict[str, Any]:
    cohorts = Tally("cohort_momentum", prepared.cohorts, _scope(edition), disclosure)
    flows = Tally("cohort_flows", prepared.flows, _scope(edition), disclosure)
    latest = prepared.dates[-1] if prepared.dates else None
    # Flows are shown for the last month-end: the as-of date itself may be a day after it.
    month_ends = [d for d in prepared.dates if _is_month_end(d)] or prepared.dates
    flow_date = month_ends[-1] if month_ends else None
    flow_from = (prepared.dates[prepared.dates.index(flow_date) - 1]
                 if flow_date and prepared.dates.index(flow_date) > 0 else None)
    months = [{"as_of_date": d,
               "grades": [cohorts.sum(f"{g}_clients", as_of_date=d) for g, _ in GRADES],
               "moves": [flows.sum("clients", as_of_date=d, from_grade=a, to_grade=b)
                         for a, b in MOVES.values()] if d != prepared.dates[0] else None}
              for d in prepared.dates]
    pairs = sorted({(r["site"], r["program"]) for r in cohorts.rows if r["as_of_date"] == latest})
    programs = [{"site": s, "program": p,
                 "grades": [cohorts.sum(f"{g}_clients", as_of_date=latest, site=s, program=p)
                            for g, _ in GRADES],
                 "moves": [flows.sum("clients", as_of_date=flow_date, site=s, program=p,
                                     from_grade=a, to_grade=b) for a, b in MOVES.values()]}
                for s, p in pairs]
    order = ["new", "green", "amber", "red", "closed"]
    matrix = [{"from": a, "cells": [flows.sum("clients", as_of_date=flow_date, from_grade=a,
                                              to_grade=b) for b in order[1:]]} for a in order]
    by_date = {m["as_of_date"]: m for m in months}
    if latest:  # a reader adds up the program rows to the month's row, column by column
        for i, total in enumerate(by_date[latest]["grades"]):
            disclosure.relate(total, [p["grades"][i] for p in programs])
    if flow_date and by_date[flow_date]["moves"]:
        cell = {(row["from"], b): c for row in matrix for b, c in zip(order[1:], row["cells"],
                                                                        strict=True)}
        for i, (total, (froms, tos)) in enumerate(zip(by_date[flow_date]["moves"],
                                                      MOVES.values(), strict=True)):
            disclosure.relate(total, [p["moves"][i] for p in programs])
            disclosure.relate(total, [cell[(a, b)] for a in froms for b in tos])
    return {"latest": latest, "flow_date": flow_date, "flow_from": flow_from,
            "months": months, "programs": programs, "matrix": matrix,
            "flow_order": order}


def _stall_reasons(prepared: Prepared, edition: Edition,
                   disclosure: Disclosure) -> dict[str, Any]:
    trends = Tally("report_stall_reason_trends", prepared.trends, _scope(edition), disclosure)
    stalled = Tally("stall_reasons", prepared.stalled, _scope(edition), disclosure)
    dates = prepared.dates[-TRAILING_MONTHS:]
    labels = {r["cluster_key"]: r["cluster_label"] for r in trends.rows}
    labels |= {r["reason_cluster_key"]: r["reason_cluster_label"] for r in stalled.rows}
    rows = [{"label": label,
             "now": stalled.count(reason_cluster_key=key),
             "months": [trends.sum("reasons", as_of_date=d, cluster_key=key) for d in dates]}
            for key, label in labels.items()]
    rows.sort(key=lambda r: (-r["now"].value, r["label"]))
    total = stalled.count()
    disclosure.relate(total, [r["now"] for r in rows])
    return {"dates": dates, "rows": rows, "total": total}


def _caseloads(prepared: Prepared, edition: Edition, latest: str | None,
               disclosure: Disclosure) -> dict[str, Any]:
    caseloads = Tally("report_caseloads", prepared.caseloads,
                      _scope(edition, "worker_site", None), disclosure)
    sites = sorted({r["worker_site"] for r in caseloads.rows
                    if r["as_of_date"] == latest and r["worker_site"]})
    assigned = {"as_of_date": latest, "worker_id": NOT_NULL}
    rows = [{"site": s,
             "workers": caseloads.count(**assigned, worker_site=s),
             "clients": caseloads.sum("open_clients", **assigned, worker_site=s),
             "median": caseloads.median("open_clients", **assigned, worker_site=s)}
            for s in sites]
    every = {"workers": caseloads.count(**assigned),
             "clients": caseloads.sum("open_clients", **assigned),
             "median": caseloads.median("open_clients", **assigned)}
    bands = [{"label": f"{lo}–{hi}" if hi < 1_000_000 else f"{lo} or more",
              "workers": caseloads.count(**assigned, open_clients=(lo, hi))}
             for lo, hi in CASELOAD_BANDS]
    for column in ("workers", "clients"):
        disclosure.relate(every[column], [r[column] for r in rows])
    disclosure.relate(every["workers"], [b["workers"] for b in bands])
    return {"sites": rows, "all": every, "bands": bands,
            "unassigned": caseloads.sum("open_clients", as_of_date=latest, worker_id=None)}


OUTCOME_COUNTS = ("due", "responded", "housed", "housing_answered", "employment_gained",
                  "income_increased", "phq9_improved")


def _outcome_table(prepared: Prepared, edition: Edition,
                   disclosure: Disclosure) -> list[dict[str, Any]]:
    """Per survey type and site: due, responded, and what the responses said. Every answer is
    counted among the responses to surveys that were due (the universe a funder reads the
    rates against): a survey answered early or not yet due is not an outcome yet."""
    outcomes = Tally("followup_outcomes", prepared.outcomes, _scope(edition), disclosure)
    rows = []
    for survey in sorted({r["survey_type"] for r in outcomes.rows}):
        survey_rows = []
        for site in [None, *sorted({r["site"] for r in outcomes.rows if r["site"]})]:
            where = {"survey_type": survey} | ({"site": site} if site else {})
            answered = {**where, "is_due": True, "has_response": True}
            survey_rows.append({
                "survey_type": survey, "site": site or "All sites",
                "due": outcomes.count(**where, is_due=True),
                "responded": outcomes.count(**answered),
                "housed": outcomes.count(**answered, is_stably_housed_at_followup=True),
                "housing_answered": outcomes.count(**answered,
                                                   is_stably_housed_at_followup=NOT_NULL),
                "employment_gained": outcomes.count(**answered, employment_change="gained"),
                "income_increased": outcomes.count(**answered, income_change="increased"),
                "phq9_improved": outcomes.count(**answered, phq9_is_improved=True),
            })
        everyone, *sites = survey_rows
        for column in OUTCOME_COUNTS:
            disclosure.relate(everyone[column], [r[column] for r in sites])
        rows += survey_rows
    return rows


def _relate_sections(disclosure: Disclosure, momentum: dict, chronic: dict, caseloads: dict,
                     outcomes: list[dict]) -> None:
    """The sums a reader can make across sections: the chronic-status rows add up to the
    month's grades, assigned and unassigned clients to the open ones, and the chronic-status
    outcome rows to the all-sites outcomes."""
    if not momentum["latest"]:
        return
    latest = momentum["months"][-1]["grades"]
    if chronic["momentum"]:
        for i, total in enumerate(latest):
            disclosure.relate(total, [c["grades"][i] for c in chronic["momentum"]])
    open_now = disclosure.cell(sum(c.value for c in latest[:3]))
    disclosure.relate(open_now, latest[:3])
    disclosure.relate(open_now, [caseloads["all"]["clients"], caseloads["unassigned"]])
    everyone = {o["survey_type"]: o for o in outcomes if o["site"] == "All sites"}
    for survey, row in everyone.items():
        by_status = [c for c in chronic["outcomes"] if c["survey_type"] == survey]
        if by_status:
            for column, chronic_column in (("due", "due"), ("responded", "responded"),
                                           ("housed", "housed")):
                disclosure.relate(row[column], [c[chronic_column] for c in by_status])


def _rate(disclosure: Disclosure, part: Cell, whole: Cell) -> int | None:
    rate = disclosure.rate(part, whole)
    return None if rate is None else round(rate)


def render(run: Run, edition: Edition, prepared: Prepared) -> str:
    disclosure = Disclosure(edition.suppression_threshold)
    momentum = _momentum(prepared, edition, disclosure)
    reasons = _stall_reasons(prepared, edition, disclosure)
    caseloads = _caseloads(prepared, edition, momentum["latest"], disclosure)
    outcomes = _outcome_table(prepared, edition, disclosure)
    chronic = _chronic(prepared, edition, momentum["latest"], disclosure)
    inventory = _inventory(prepared, edition, disclosure)
    measures = spm.measures(prepared.measures, edition, disclosure)
    _relate_sections(disclosure, momentum, chronic, caseloads, outcomes)
    disclosure.protect()
    spm.rates(measures, disclosure)
    for o in outcomes:
        o["rate"] = _rate(disclosure, o["responded"], o["due"])
        o["housed_rate"] = _rate(disclosure, o["housed"], o["housing_answered"])
    for r in inventory:
        r["utilization"] = (round(100 * r["people"].value / r["beds"].value)
                            if r["beds"].value and not r["people"].hidden else None)
    labels = {**dict(GRADES), "new": "New"}
    shown = disclosure.chart_value
    latest_flows = [(a["from"], b, shown(cell)) for a in momentum["matrix"]
                    for b, cell in zip(momentum["flow_order"][1:], a["cells"], strict=True)]
    return run.render(
        "aggregate.html.j2", edition, run.links(edition),
        brief=run.briefs["aggregate"],
        grades=GRADES, moves=list(MOVES), momentum=momentum, reasons=reasons,
        caseloads=caseloads, outcomes=outcomes,
        outcomes_built=bool(prepared.outcomes), labels=labels,
        chronic=chronic, inventory=inventory, measures=measures,
        charts={
            "mix": charts.stacked_bars(
                "Clients by grade at each month-end",
                [(m["as_of_date"][:7], {g: shown(c) for (g, _), c in zip(GRADES, m["grades"],
                                                                         strict=True)})
                 for m in momentum["months"]], [g for g in GRADES if g[0] != "closed"]),
            "flows": charts.flows(f"How clients moved between grades, {momentum['flow_from']}"
                                  f" to {momentum['flow_date']}",
                                  latest_flows, momentum["flow_order"], labels),
            "reasons": charts.stacked_bars(
                "Stall reasons recorded each month, by cluster",
                [(d[:7], {r["label"]: shown(r["months"][i]) for r in reasons["rows"]})
                 for i, d in enumerate(reasons["dates"])],
                [(r["label"], r["label"]) for r in reasons["rows"]]),
            "caseloads": charts.hbars("Workers by caseload size",
                                      [(b["label"], shown(b["workers"]))
                                       for b in caseloads["bands"]]),
        },
    )
