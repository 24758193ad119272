"""Render reports from the marts into the static site folder.

Links are stable: `index.html`, `momentum/latest.html`, and one archived page per as-of
date (`momentum/<YYYY-MM-DD>.html`) that later runs never overwrite with another date.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from orchestration.rubrics import load_yaml
from orchestration.settings import REPO_ROOT, Settings
from orchestration.warehouse import Warehouse

TEMPLATES = REPO_ROOT / "reports" / "templates"
GRADES = (("green", "Active"), ("amber", "Follow-up pending"), ("red", "Stalled"),
          ("closed", "Closed"))


def environment() -> Environment:
    """Jinja2 with autoescaping on for every template: note text is data, never markup."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _dicts(wh: Warehouse, sql: str) -> list[dict[str, Any]]:
    cursor = wh.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class MomentumPage:
    as_of: str
    context: dict[str, Any]


def momentum_context(wh: Warehouse, settings: Settings) -> MomentumPage:
    """Everything the momentum page shows, straight from the marts."""
    grades = dict(wh.rows("select grade, count(*) from marts.client_momentum group by grade"))
    as_of = str(wh.scalar("select max(as_of_date) from marts.client_momentum")
                or settings.as_of_date)
    stalled = _dicts(wh, """
        select m.person_id, m.program, m.site, m.months_since_movement,
               m.last_movement_date, m.last_movement_kind,
               s.reason_cluster_label, s.reason_source, s.reason_source_file, s.reason_source_row
        from marts.client_momentum m
        join marts.stall_reasons s using (person_id)
        where m.grade = 'red'
        order by m.months_since_movement desc, m.person_id""")
    for row in stalled:
        row["last_movement"] = (f"{row['last_movement_date']} ({row['last_movement_kind']})"
                                if row["last_movement_date"] else None)
        row["reason_ref"] = (f"{row['reason_source']}: {row['reason_source_file']}, "
                             f"row {row['reason_source_row']}"
                             if row["reason_source_file"] else None)
    amber = _dicts(wh, """
        select person_id, program, site, grade_reason, days_since_contact, overdue_survey_types
        from marts.client_momentum where grade = 'amber'
        order by days_since_contact desc nulls first, person_id""")
    counts = Counter(r["reason_cluster_label"] for r in stalled)
    sources: dict[str, Counter] = defaultdict(Counter)
    for r in stalled:
        sources[r["reason_cluster_label"]][r["reason_source"]] += 1
    widest = max(counts.values(), default=1)
    clusters = [
        {"label": label, "count": n, "bar": round(240 * n / widest),
         "sources": ", ".join(f"{k} {v}" for k, v in sorted(sources[label].items()))}
        for label, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    top_two = sum(c["count"] for c in clusters[:2])
    months = _dicts(wh, """
        select cast(as_of_date as varchar) as month, sum(green_clients) as green,
               sum(amber_clients) as amber, sum(red_clients) as red,
               sum(closed_clients) as closed
        from marts.cohort_momentum group by as_of_date order by as_of_date""")
    last_loaded = wh.scalar("select max(loaded_at) from raw.ingest_ledger where status = 'loaded'")
    note_backend = wh.scalar(
        "select string_agg(distinct backend, ', ') from scoring.note_reads"
    ) if wh.table_exists("scoring", "note_reads") else None
    context = {
        "brief": load_yaml(settings.rubrics_dir / "decision_brief.yaml")["momentum"],
        "as_of": as_of,
        "tiles": [{"grade": g, "label": label, "count": grades.get(g, 0)} for g, label in GRADES],
        "stalled": stalled,
        "amber": amber,
        "clusters": clusters,
        "top_two_share": round(100 * top_two / len(stalled)) if stalled else 0,
        "months": months,
        "freshness": {
            "last_loaded": last_loaded,
            "last_contact": wh.scalar("select max(last_contact_date) from marts.client_momentum"),
            "note_backend": note_backend or "offline",
        },
    }
    return MomentumPage(as_of, context)


def publish_momentum(settings: Settings) -> Path:
    """Write the momentum page for its as-of date, `latest.html`, and the index."""
    with Warehouse(settings.db_path, read_only=True) as wh:
        page = momentum_context(wh, settings)
    env = environment()
    generated_at = datetime.now().replace(microsecond=0).isoformat(sep=" ")
    html = env.get_template("momentum.html.j2").render(generated_at=generated_at, **page.context)
    folder = settings.site_dir / "momentum"
    folder.mkdir(parents=True, exist_ok=True)
    dated = folder / f"{page.as_of}.html"
    dated.write_text(html, encoding="utf-8")
    (folder / "latest.html").write_text(html, encoding="utf-8")
    archive = sorted((p.stem for p in folder.glob("????-??-??.html")), reverse=True)
    brief = page.context["brief"]
    index = env.get_template("index.html.j2").render(
        generated_at=generated_at,
        as_of=page.as_of,
        latest=[{"href": "momentum/latest.html", "title": brief["title"],
                 "decision": brief["decision"]}],
        archive=[{"href": f"momentum/{d}.html", "title": brief["title"], "as_of": d}
                 for d in archive],
    )
    (settings.site_dir / "index.html").write_text(index, encoding="utf-8")
    return dated


def summary_lines(settings: Settings) -> list[str]:
    """What a person wants to read after a run: the grade counts and where the report is."""
    if not settings.db_path.exists():
        return ["no warehouse yet"]
    with Warehouse(settings.db_path, read_only=True) as wh:
        if not wh.table_exists("marts", "client_momentum"):
            return ["the marts were not built"]
        grades = dict(wh.rows("select grade, count(*) from marts.client_momentum group by grade"))
    lines = ["grades: " + ", ".join(f"{label} {grades.get(g, 0)}" for g, label in GRADES)]
    index = settings.site_dir / "index.html"
    lines.append(f"report: {index if index.exists() else 'not published'}")
    return lines
