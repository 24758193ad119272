"""Missing & incomplete: every amber or red element per client and per program, the one
input that fixes each, and the grade the client would have if it arrived (`regrade`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from orchestration.reports.config import Edition
from orchestration.reports.data import dicts, group_by
from orchestration.reports.regrade import ALL, Regrade, regrade, scenario_id
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


@dataclass(frozen=True)
class Prepared:
    elements: list[dict[str, Any]]
    regrades: dict[str, Regrade]
    open_clients: list[dict[str, Any]]


def prepare(run: Run) -> Prepared:
    """The elements and every scenario's re-grade, once for all editions."""
    return Prepared(
        elements=dicts(run.wh, "select * from marts.report_missing_elements"
                               " order by person_id, element, element_detail"),
        regrades=regrade(run.settings, run.wh, run.as_of),
        open_clients=dicts(run.wh, "select person_id, site, program, grade"
                                   " from marts.client_momentum where grade <> 'closed'"),
    )


def _clients(elements: list[dict[str, Any]], regrades: dict[str, Regrade]) -> list[dict]:
    clients = []
    for pid, rows in group_by(elements, "person_id").items():
        rows = sorted(rows, key=lambda e: (ELEMENT_ORDER.index(e["element"]),
                                           e["element_detail"] or ""))
        for e in rows:
            e["after"] = regrades[e["element_key"]]
            e["changes_grade"] = e["after"].grade != e["grade"]
        first = rows[0]
        clients.append({"person_id": pid, "grade": first["grade"], "site": first["site"],
                        "program": first["program"], "elements": rows,
                        "after_all": regrades[scenario_id(pid, ALL)]})
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


def render(run: Run, edition: Edition, prepared: Prepared) -> str:
    links = run.links(edition)
    elements = [dict(e) for e in prepared.elements if edition.includes(e["site"], e["program"])]
    clients = _clients(elements, prepared.regrades)
    open_clients = [c for c in prepared.open_clients
                    if edition.includes(c["site"], c["program"])]
    return run.render(
        "missing.html.j2", edition, links,
        brief=run.briefs["missing_incomplete"],
        clients=clients,
        programs=_programs(elements, open_clients),
        totals={
            "open": len(open_clients),
            "clients": len(clients),
            "elements": len(elements),
            "changing": sum(e["changes_grade"] for c in clients for e in c["elements"]),
            "green_after_all": sum(c["after_all"].grade == "green" for c in clients),
        },
    )
