"""Missing & incomplete: every amber or red element per client and per program, the one
input that fixes each, and the grade the client would have if it arrived (the mart
`report_missing_regrades`, graded by the same rule as every grade)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from orchestration.reports.config import Edition
from orchestration.reports.data import dicts, group_by
from orchestration.reports.rendering import Run

GRADE_ORDER = {"red": 0, "amber": 1, "green": 2}
# Element kinds (report_missing_elements.element) in the order a supervisor reads them.
ELEMENTS = {
    "no_movement": "No movement recorded",
    "stall_reason_missing": "Reason for stall never captured",
    "contact_overdue": "Case note overdue",
    "followup_overdue": "Follow-up not returned",
    "screen_not_repeated": "Screen not repeated",
    "recertification_overdue": "Re-certification overdue",
}
ELEMENT_ORDER = tuple(ELEMENTS)


GRADE_RANK = {"red": 0, "amber": 1, "green": 2, "closed": 3}
UNASSIGNED = "Unassigned"  # open clients with no contact note in the caseload window
WORKER_FOLDER = "missing/workers"  # a page per worker, relative to the edition's root


@dataclass(frozen=True)
class Regrade:
    """A scenario's grade: the client's records plus its proposed input(s)."""

    grade: str
    grade_reason: str


def all_inputs(person_id: str) -> str:
    """The key of a client's scenario with every proposed input together."""
    return f"{person_id}|all"


@dataclass(frozen=True)
class Prepared:
    elements: list[dict[str, Any]]
    regrades: dict[str, Regrade]
    open_clients: list[dict[str, Any]]
    workers: dict[str, str]  # person_id -> worker_id on the as-of date (report_client_workers)


def prepare(run: Run) -> Prepared:
    """The elements and every scenario's re-grade, once for all editions."""
    return Prepared(
        elements=dicts(run.wh, "select * from marts.report_missing_elements"
                               " order by person_id, element, element_detail"),
        regrades={key: Regrade(grade, reason) for key, grade, reason in run.wh.rows(
            "select scenario_key, grade, grade_reason from marts.report_missing_regrades")},
        open_clients=dicts(run.wh, "select person_id, site, program, grade"
                                   " from marts.client_momentum where grade <> 'closed'"),
        workers=dict(run.wh.rows(
            "select person_id, worker_id from marts.report_client_workers"
            " where worker_id is not null and as_of_date ="
            " (select max(as_of_date) from marts.report_client_workers)")),
    )


def _clients(elements: list[dict[str, Any]], regrades: dict[str, Regrade],
             workers: dict[str, str]) -> list[dict]:
    clients = []
    for pid, rows in group_by(elements, "person_id").items():
        rows = sorted(rows, key=lambda e: (ELEMENT_ORDER.index(e["element"]),
                                           e["element_detail"] or ""))
        for e in rows:
            e["after"] = regrades[e["element_key"]]
            e["changes_grade"] = e["after"].grade != e["grade"]
        first = rows[0]
        after_all = regrades[all_inputs(pid)]
        clients.append({"person_id": pid, "grade": first["grade"], "site": first["site"],
                        "program": first["program"], "elements": rows,
                        "worker": workers.get(pid, UNASSIGNED),
                        # the one input to bring in first: one that changes the grade, if any
                        "next": next((e for e in rows if e["changes_grade"]), first),
                        "after_all": after_all,
                        "improves": GRADE_RANK[after_all.grade] > GRADE_RANK[first["grade"]]})
    return sorted(clients, key=lambda c: (GRADE_ORDER[c["grade"]], -len(c["elements"]),
                                          c["person_id"]))


def _programs(elements: list[dict[str, Any]], open_clients: list[dict[str, Any]]) -> dict:
    """Per site and program: open clients, and clients with each kind of element."""
    open_count = Counter((c["site"], c["program"]) for c in open_clients)
    with_element = Counter((e["site"], e["program"], e["element"])
                           for e in {(e["person_id"], e["element"]): e for e in elements}.values())
    columns = list(ELEMENTS.items())
    rows = [{"site": site, "program": program, "open": n,
             "counts": [with_element[(site, program, k)] for k, _ in columns]}
            for (site, program), n in sorted(open_count.items(), key=lambda kv: (
                -sum(with_element[(*kv[0], k)] for k, _ in columns), kv[0]))]
    return {"columns": columns, "rows": rows}


def _workers(clients: list[dict], open_clients: list[dict[str, Any]],
             workers: dict[str, str]) -> list[dict[str, Any]]:
    """Per worker: their open clients, how many of them are amber or red, and their clients
    with something missing grouped by program (worst first); unassigned clients last."""
    caseload = Counter(workers.get(c["person_id"], UNASSIGNED) for c in open_clients)
    grouped = group_by(clients, "worker")
    rows = []
    for worker in sorted(set(caseload) | set(grouped), key=lambda w: (w == UNASSIGNED, w)):
        mine = grouped.get(worker, [])
        rows.append({
            "worker": worker, "slug": worker_slug(worker), "open": caseload[worker],
            "clients": mine,
            "red": sum(c["grade"] == "red" for c in mine),
            "amber": sum(c["grade"] == "amber" for c in mine),
            "programs": [{"program": program, "clients": group}
                         for program, group in sorted(group_by(mine, "program").items(),
                                                      key=lambda kv: str(kv[0]))],
        })
    return rows


def worker_slug(worker: str) -> str:
    """A worker's page name: their id with anything but letters, digits, - and _ replaced."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in worker)


def _scoped(edition: Edition, prepared: Prepared) -> tuple[list[dict], list[dict], list[dict]]:
    elements = [dict(e) for e in prepared.elements if edition.includes(e["site"], e["program"])]
    open_clients = [c for c in prepared.open_clients
                    if edition.includes(c["site"], c["program"])]
    return elements, _clients(elements, prepared.regrades, prepared.workers), open_clients


def render(run: Run, edition: Edition, prepared: Prepared) -> str:
    links = run.links(edition)
    elements, clients, open_clients = _scoped(edition, prepared)
    weak = [c for c in clients if c["grade"] != "green"]
    return run.render(
        "missing.html.j2", edition, links,
        brief=run.briefs["missing_incomplete"],
        programs=_programs(elements, open_clients),
        workers=_workers(clients, open_clients, prepared.workers),
        totals={
            "open": len(open_clients),
            "clients": len(clients),
            "weak": len(weak),
            "elements": len(elements),
            "changing": sum(e["changes_grade"] for c in clients for e in c["elements"]),
            "improve_after_all": sum(c["improves"] for c in weak),
            "green_after_all": sum(c["after_all"].grade == "green" for c in weak),
        },
    )


def worker_pages(run: Run, edition: Edition, prepared: Prepared) -> dict[str, str]:
    """One page per worker (missing/workers/<worker>.html): their amber and red clients and
    the one input each needs first, for the worker to take into their week."""
    links = run.links(edition, depth=2)
    _, clients, open_clients = _scoped(edition, prepared)
    pages = {}
    for worker in _workers(clients, open_clients, prepared.workers):
        weak = [c for c in worker["clients"] if c["grade"] != "green"]
        pages[f"{WORKER_FOLDER}/{worker['slug']}.html"] = run.render(
            "missing_worker.html.j2", edition, links, brief=run.briefs["missing_incomplete"],
            worker=worker, clients=weak)
    return pages
