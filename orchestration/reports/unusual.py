"""Unusual: flags against the client's own history and the caseload (report_anomalies), a
survey or screen that says fine beside a note that says otherwise (contradictions), and
impossible readings: rows the data contracts rejected or flagged under an impossible-date
rule (rubrics/reports.yaml, unusual.impossible_rules), shown with their loaded fields.

The page puts the rare, serious kinds first and the long, routine ones last, so a long kind
cannot bury the rest; every heading says who acts on it and carries its counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orchestration.reports.cited_rows import (
    Privacy,
    Vocabulary,
    load_records,
    read_vocabulary,
    redactor_for,
    source_record,
)
from orchestration.reports.config import Edition
from orchestration.reports.data import dicts, group_by
from orchestration.reports.rendering import Links, Run
from orchestration.scoring.redact import Redactor


@dataclass(frozen=True)
class Kind:
    """One heading of the page."""

    title: str
    audience: str  # who acts on it, and how
    collapsed: bool = False  # routine and systemic: its rows folded away under the heading


CONTRADICTED, CONTRACTS = "contradictions", "impossible"  # the two headings not from the mart
IMPOSSIBLE = "Impossible: for the data steward, to send back to the site that sent the file."
KINDS = {  # page order: the rare, serious kinds first, the long routine ones last
    "risk_finding": Kind("Risk noted in a case note", "For the assigned worker, today."),
    CONTRADICTED: Kind("Answers the notes contradict", "For the assigned worker."),
    "updated_before_created": Kind("Record updated before it was created", IMPOSSIBLE),
    "stamped_after_export": Kind("Record stamped after its export was made", IMPOSSIBLE),
    "service_after_exit": Kind("Service recorded after exit", IMPOSSIBLE),
    CONTRACTS: Kind("Impossible readings the data contracts caught", IMPOSSIBLE),
    "note_integrity": Kind("Note text addressed to the reader",
                           "For the data steward: it says nothing about the client; check who"
                           " wrote it."),
    "screen_worsened": Kind("Screen score got worse", "For the assigned worker."),
    "contact_drop": Kind("Contact frequency dropped sharply", "For the assigned worker, today."),
    "caseload_drift": Kind("Caseload far from the agency norm",
                           "For the supervisor's next staffing review."),
    "long_stay": Kind("Stay among the longest of its program",
                      "For the supervisor and the assigned worker: what holds the stay open?"
                      " Farthest above the program's median first. Permanent housing other"
                      " than rapid re-housing is never flagged: its stays are long by design."),
    "stamped_just_after_export": Kind(
        "Record stamped hours after its export (check the clocks)",
        "For the data steward: within the clock tolerance, so the export and its records may"
        " be stamped on different clocks or time zones; check with the vendor before"
        " correcting records.", collapsed=True),
}
QUARANTINE_META = ("_rule", "_field", "_value", "_reason", "_raw_record")

CONTRADICTIONS = {
    "housed_vs_housing_loss": "Survey says stably housed; a note says housing was lost",
    "employed_vs_job_loss": "Survey says employed; a note says the job was lost",
    "screen_improved_vs_crisis": "Screen improved; a note describes a crisis",
}


@dataclass(frozen=True)
class Prepared:
    anomalies: list[dict[str, Any]]
    contradictions: list[dict[str, Any]]
    impossible: list[dict[str, Any]]
    redactor: Redactor
    vocabulary: Vocabulary


def _hmis_people(run: Run) -> dict[str, str]:
    return dict(run.wh.rows("select record_key, person_id from intermediate.int_record_links"
                            " where source = 'hmis'"))


def _rule_filter(column: str, kinds: tuple[str, ...]) -> tuple[str, list[str]]:
    return " or ".join(f"{column} like ?" for _ in kinds), [f"{k}:%" for k in kinds]


def _impossible(run: Run) -> list[dict[str, Any]]:
    """Rejected and flagged rows whose rule is an impossible-date rule."""
    kinds = run.config.impossible_rules
    if not kinds:
        return []
    people = _hmis_people(run)
    found: list[dict[str, Any]] = []
    tables = [t for (t,) in run.wh.rows(
        "select table_name from information_schema.tables where table_schema = 'quarantine'"
        " order by table_name") if t != "flags"]
    for table in tables:
        where, params = _rule_filter("_rule", kinds)
        for row in dicts(run.wh, f"select * from quarantine.{table} where {where}", params):
            pid = people.get(f"hmis:{row['_site']}:{(row.get('personal_id') or '').strip()}")
            found.append({"kind": "rejected", "table": table, "person_id": pid,
                          "site": row["_site"], "rule": row["_rule"], "reason": row["_reason"],
                          "row": {k: "" if v is None else str(v) for k, v in row.items()
                                  if k not in QUARANTINE_META}})
    if run.wh.table_exists("quarantine", "flags"):
        where, params = _rule_filter("rule", kinds)
        flags = dicts(run.wh, f"select * from quarantine.flags where {where}", params)
        loaded = load_records(run.wh, [(f["_load_id"], f["_source_row"]) for f in flags])
        for f in flags:
            table, row = loaded.get((f["_load_id"], int(f["_source_row"])), (f["source_table"], {
                "_load_id": f["_load_id"], "_source_file": f["_source_file"],
                "_source_row": str(f["_source_row"])}))
            pid = people.get(f"hmis:{f['_site']}:{(row.get('personal_id') or '').strip()}")
            found.append({"kind": "flagged", "table": table, "person_id": pid,
                          "site": f["_site"], "rule": f["rule"], "reason": f["reason"],
                          "row": row})
    return found


def prepare(run: Run) -> Prepared:
    return Prepared(
        anomalies=dicts(run.wh, "select * from marts.report_anomalies"
                                " order by extremity desc nulls last, flagged_date desc,"
                                " anomaly_key"),
        contradictions=dicts(run.wh, "select * from marts.contradictions"
                                     " order by claim_date desc, contradiction_key"),
        impossible=_impossible(run),
        redactor=redactor_for(run.wh),
        vocabulary=read_vocabulary(run.wh),
    )


def _visible(links: Links, person_id: str | None, site: str | None) -> bool:
    """A flag about a person follows the person's scope; one not linked to anyone, the site."""
    if person_id is not None:
        return links.in_scope(person_id)
    edition = links.edition
    return not edition.programs and (not edition.sites or site in edition.sites)


def _section(kind: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One heading of the page: its rows and how many clients (workers) and flags it holds."""
    about = {r.get("person_id") or r.get("worker_id") for r in rows} - {None}
    return {"kind": kind, "title": KINDS[kind].title, "audience": KINDS[kind].audience,
            "collapsed": KINDS[kind].collapsed, "rows": rows, "people": len(about),
            "who": "workers" if kind == "caseload_drift" else "clients"}


def render(run: Run, edition: Edition, prepared: Prepared) -> str:
    links = run.links(edition)
    privacy = Privacy(run.config, edition, prepared.redactor)
    rows = group_by((a for a in prepared.anomalies
                     if _visible(links, a["person_id"], a["site"])), "anomaly_kind")
    rows[CONTRACTS] = [{**r, "record": source_record(r["table"], {
        "_loaded_at": "", **r["row"]}, privacy, prepared.vocabulary)} for r in prepared.impossible
        if _visible(links, r["person_id"], r["site"])]
    rows[CONTRADICTED] = [{**c, "title": CONTRADICTIONS[c["contradiction_kind"]]}
                          for c in prepared.contradictions
                          if _visible(links, c["person_id"], c["site"])]
    return run.render("unusual.html.j2", edition, links, brief=run.briefs["unusual"],
                      sections=[_section(k, rows.get(k, [])) for k in KINDS],
                      impossible_rules=run.config.impossible_rules,
                      contradiction_window_days=int(
                          run.config.rules.get("contradiction_window_days", 0)))
