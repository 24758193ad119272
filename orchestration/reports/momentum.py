"""The momentum report: grade counts, why clients stalled, the stalled and amber lists, and
the grade mix month by month, for the clients in an edition's scope."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from orchestration.reports import charts
from orchestration.reports.cited_rows import read_vocabulary
from orchestration.reports.config import Edition
from orchestration.reports.data import dicts
from orchestration.reports.rendering import GRADES, Run

OPEN_GRADES = [(g, label) for g, label in GRADES if g != "closed"]


def _clusters(stalled: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts = Counter(r["reason_cluster_label"] for r in stalled)
    sources: dict[str, Counter] = defaultdict(Counter)
    for r in stalled:
        sources[r["reason_cluster_label"]][r["reason_source"]] += 1
    widest = max(counts.values(), default=1)
    return [{"label": label, "count": n, "bar": round(240 * n / widest),
             "sources": ", ".join(f"{k} {v}" for k, v in sorted(sources[label].items()))}
            for label, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def prepare(run: Run) -> dict[str, Any]:
    """Every graded client with their stall reason, the monthly cohort counts, and the
    words a page uses for caseintel's own terms (`milestone_met`, `90_day`)."""
    return {
        "vocabulary": read_vocabulary(run.wh),
        "graded": dicts(run.wh, """
            select m.person_id, m.grade, m.program, m.site, m.months_since_movement,
                   m.last_movement_date, m.last_movement_kind, m.grade_reason,
                   m.days_since_contact, m.overdue_survey_types,
                   s.reason_cluster_label, s.reason_source, s.reason_load_id,
                   s.reason_source_file, s.reason_source_row
            from marts.client_momentum m
            left join marts.stall_reasons s on s.person_id = m.person_id
            order by m.months_since_movement desc nulls last,
                     m.days_since_contact desc nulls first, m.person_id"""),
        "cohorts": dicts(run.wh, """
            select cast(as_of_date as varchar) as month, site, program, green_clients,
                   amber_clients, red_clients, closed_clients
            from marts.cohort_momentum order by as_of_date"""),
    }


def render(run: Run, edition: Edition, prepared: dict[str, Any]) -> str:
    links = run.links(edition)
    say = prepared["vocabulary"].say
    graded = [dict(r) for r in prepared["graded"] if edition.includes(r["site"], r["program"])]
    for r in graded:
        r["grade_reason"] = say(r["grade_reason"])
        r["overdue_survey_types"] = ", ".join(
            say(t.strip()) for t in (r["overdue_survey_types"] or "").split(",") if t.strip())
    stalled = [r for r in graded if r["grade"] == "red"]
    for r in stalled:
        r["last_movement"] = (f"{r['last_movement_date']} ({say(r['last_movement_kind'])})"
                              if r["last_movement_date"] else None)
    grades = Counter(r["grade"] for r in graded)
    clusters = _clusters(stalled)
    months: dict[str, Counter] = defaultdict(Counter)
    for row in prepared["cohorts"]:
        if edition.includes(row["site"], row["program"]):
            for g, _ in GRADES:
                months[row["month"]][g] += row[f"{g}_clients"]
    # this period against the last: the month-end before the latest date in the history
    previous = list(months)[-2] if len(months) > 1 else None
    chart = charts.stacked_bars(
        "Clients by grade at each month-end", [(m[:7], dict(c)) for m, c in months.items()],
        OPEN_GRADES)
    return run.render(
        "momentum.html.j2", edition, links,
        brief=run.briefs["momentum"],
        tiles=[{"grade": g, "label": label, "count": grades.get(g, 0),
                "before": months[previous][g] if previous else None} for g, label in GRADES],
        previous=previous,
        stalled=stalled,
        amber=[r for r in graded if r["grade"] == "amber"],
        clusters=clusters,
        top_two_share=round(100 * sum(c["count"] for c in clusters[:2]) / len(stalled))
        if stalled else 0,
        months=[{"month": m, **{g: c[g] for g, _ in GRADES}} for m, c in months.items()],
        chart=chart,
    )
