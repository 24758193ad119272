"""Unusual: flags against the client's own history and the caseload (report_anomalies), a
survey or screen that says fine beside a note that says otherwise (contradictions), and
impossible readings: rows the data contracts rejected or flagged under an impossible-date
rule (rubrics/reports.yaml, unusual.impossible_rules), shown with their loaded fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orchestration.reports.config import Edition
from orchestration.reports.data import dicts, group_by
from orchestration.reports.rendering import Links, Run
from orchestration.reports.sources import Privacy, load_records, redactor_for, source_record
from orchestration.scoring.redact import Redactor

KINDS = {
    "risk_finding": "Risk noted in a case note",
    "note_integrity": "Note text addressed to the reader (for the data steward)",
    "contact_drop": "Contact frequency dropped sharply",
    "screen_worsened": "Screen score got worse",
    "long_stay": "Length of stay doubled",
    "caseload_drift": "Caseload far from the agency norm",
    "service_after_exit": "Service recorded after exit",
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
                                " order by flagged_date desc, anomaly_key"),
        contradictions=dicts(run.wh, "select * from marts.contradictions"
                                     " order by claim_date desc, contradiction_key"),
        impossible=_impossible(run),
        redactor=redactor_for(run.wh),
    )


def _visible(links: Links, person_id: str | None, site: str | None) -> bool:
    """A flag about a person follows the person's scope; one not linked to anyone, the site."""
    if person_id is not None:
        return links.in_scope(person_id)
    edition = links.edition
    return not edition.programs and (not edition.sites or site in edition.sites)


def render(run: Run, edition: Edition, prepared: Prepared) -> str:
    links = run.links(edition)
    privacy = Privacy(run.config, edition, prepared.redactor)
    anomalies = group_by((a for a in prepared.anomalies
                          if _visible(links, a["person_id"], a["site"])), "anomaly_kind")
    sections = [{"kind": k, "title": title, "rows": anomalies.get(k, []),
                 "people": len({a["person_id"] or a["worker_id"] for a in anomalies.get(k, [])})}
                for k, title in KINDS.items()]
    impossible = [{**r, "record": source_record(r["table"], {
        "_loaded_at": "", **r["row"]}, privacy)} for r in prepared.impossible
        if _visible(links, r["person_id"], r["site"])]
    contradictions = [{**c, "title": CONTRADICTIONS[c["contradiction_kind"]]}
                      for c in prepared.contradictions
                      if _visible(links, c["person_id"], c["site"])]
    return run.render("unusual.html.j2", edition, links, brief=run.briefs["unusual"],
                      sections=sections, contradictions=contradictions, impossible=impossible,
                      impossible_rules=run.config.impossible_rules,
                      contradiction_window_days=int(
                          run.config.rules.get("contradiction_window_days", 0)))
