"""Comprehensive: one page per client, by persistent ID, from first referral to today.

Every line cites its source row, and every cited row is shown at the foot of the page
(file, row, load and the loaded fields this edition may see) under a stable anchor, so a
claim on any report links straight to the record behind it. Codes and caseintel's own
words are shown as labels; an edition limited to some sites shows only their records.

A page is made again only when what it is made from changed (a digest of its data computed
in the warehouse, `page_changes.py`, kept beside it per site folder), so a nightly run reads
and rewrites only the pages of the clients it touched; a large agency's pages are made by
worker processes (`orchestration/parallel.py`) while this process reads the next batch.
"""

from __future__ import annotations

import gc
import hashlib
from collections import defaultdict
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

from orchestration.memory import release
from orchestration.parallel import forking, in_order
from orchestration.reports import charts
from orchestration.reports.cited_rows import (
    Privacy,
    Vocabulary,
    highlight,
    load_records,
    markup,
    note_facts,
    read_vocabulary,
    redactor_for,
    source_record,
)
from orchestration.reports.config import Edition
from orchestration.reports.data import Row, dicts, group_by
from orchestration.reports.page_changes import data_digests, meeting_names, name_hash
from orchestration.reports.rendering import GRADE_LABELS, TEMPLATES, Links, Run
from orchestration.reports.site import keep, kept, page_digests, write_page
from orchestration.scoring import redact as redact_module
from orchestration.scoring.redact import ClientFacts, Redactor

# Screen totals run from 0 to these maxima (PHQ-9: 9 items x 3, GAD-7: 7 items x 3).
TOP_SCORES = {"PHQ-9": 27, "GAD-7": 21}
SECTIONS = {  # report_client_events.category -> section heading, in page order
    "intake": "Referral and intake",
    "enrollment": "Enrollments across programs and sites",
    "assessment": "Income assessments",
    "contact": "Services and contacts",
    "movement": "Movement events",
    "plan": "Service plan",
}
# Events whose detail is a HUD code: the page shows these fields of the cited row instead,
# as labels (a service's type means something only beside its record type).
CODED_DETAILS = {
    "service": ("record_type", "type_provided"),
    "permanent_exit": ("destination",),
    "current_living_situation": ("current_living_situation",),
}


# Clients per batch: what a batch reads (their events, history, cited raw rows, note texts)
# is held in memory while their pages are written, so memory follows the batch, not the agency.
BATCH_CLIENTS = 2_000


@dataclass(frozen=True)
class Agency:
    """What every page and the client directory need about everyone, read once."""

    clients: list[Row]
    momentum: dict[str, Row]
    merged: dict[str, str]
    redactor: Redactor
    facts: dict[tuple[str, str], ClientFacts]
    vocabulary: Vocabulary


@dataclass(frozen=True)
class Batch:
    """Everything the pages of one batch of clients show, read once for every edition."""

    history: dict[str, list[Row]]
    events: dict[str, list[Row]]
    screens: dict[str, list[Row]]
    missing: dict[str, list[Row]]
    anomalies: dict[str, list[Row]]
    notes: dict[str, Row]
    records: dict[tuple[str, int], tuple[str, dict[str, str]]]


def read_agency(run: Run) -> Agency:
    wh = run.wh
    return Agency(
        clients=dicts(wh, "select * from marts.clients order by person_id"),
        momentum={r["person_id"]: r for r in dicts(wh, "select * from marts.client_momentum")},
        merged=dict(wh.rows("select person_id, merged_into from identity.persons"
                            " where status = 'merged' and merged_into is not null")),
        redactor=redactor_for(wh),
        facts=note_facts(wh),
        vocabulary=read_vocabulary(wh),
    )


def read_batch(run: Run, persons: list[str]) -> Batch:
    """The page data of `persons` (sorted person_ids; the range first prunes the scan)."""
    wh = run.wh
    among = "person_id between ? and ? and person_id = any(?)"
    span = [persons[0], persons[-1], persons]
    events = dicts(wh, f"select * from marts.report_client_events where {among}"
                       " order by person_id, event_date, event_key", span)
    return Batch(
        history=group_by(dicts(wh, f"""select person_id, cast(as_of_date as varchar) as as_of_date,
                                              grade, program, site, grade_reason
                                       from marts.client_momentum_history where {among}
                                       order by person_id, as_of_date""", span), "person_id"),
        events=group_by(events, "person_id"),
        screens=group_by(dicts(wh, f"select * from marts.report_screen_scores where {among}"
                                   " order by person_id, instrument, screen_date, screen_key",
                               span), "person_id"),
        missing=group_by(dicts(wh, f"select * from marts.report_missing_elements where {among}"
                                   " order by person_id, element_grade desc, due_date,"
                                   " element_key", span), "person_id"),
        anomalies=group_by(dicts(wh, f"select * from marts.report_anomalies where {among}"
                                     " order by flagged_date desc, anomaly_key", span),
                           "person_id"),
        notes={r["note_key"]: r for r in dicts(wh, """
            select note_key, site, personal_id, note_date, note_type, note_text
            from staging.stg_notes__case_notes
            where note_key = any(?)""", [sorted({e["source_key"] for e in events
                                                 if e["category"] == "finding"})])},
        records=load_records(wh, [(e["_load_id"], e["_source_row"]) for e in events]),
    )


def _findings(events: list[Row], notes: dict[str, Row], privacy: Privacy) -> list[dict]:
    """Case notes with findings, each note once with every cited quote marked, as plain
    text (the markup of a note written in a rich-text editor is not shown)."""
    by_note: dict[str, list[Row]] = defaultdict(list)
    for e in events:
        if e["category"] == "finding":
            by_note[e["source_key"]].append(e)
    shown = []
    for note_key, findings in by_note.items():
        note = notes.get(note_key)
        if note is None or note["note_text"] is None:
            continue
        text = note["note_text"]
        redaction = privacy.redaction(text, note["site"], note["personal_id"])
        first = findings[0]
        shown.append({
            "note": note, "findings": findings, "load_id": first["_load_id"],
            "source_file": first["_source_file"], "source_row": first["_source_row"],
            "segments": highlight(text, [(f["quote_start"], f["quote_end"]) for f in findings],
                                  redaction, markup(text)),
        })
    return sorted(shown, key=lambda n: (n["note"]["note_date"] or "", n["note"]["note_key"]),
                  reverse=True)


def _labelled(event: Row, records: dict[tuple[str, int], tuple[str, dict[str, str]]],
              vocabulary: Vocabulary, privacy: Privacy) -> Row:
    """The event with `what` and `about`: its kind and detail as a reader says them (a
    detail may be free text, an intake's program or a milestone's goal: redacted like one)."""
    about = privacy.redaction(vocabulary.say(event["detail"]), event["site"]).text
    coded = CODED_DETAILS.get(event["kind"])
    if coded:
        cited = records.get((event["_load_id"], int(event["_source_row"])))
        if cited is None:
            about = "(source record not found)"
        else:
            table, row = cited
            about = " – ".join(vocabulary.value(table, column, row)[0] for column in coded
                               if row.get(column))
    return {**event, "what": vocabulary.say(event["kind"]), "about": about}


def _in_sites(edition: Edition, rows: list[Row]) -> list[Row]:
    """The rows of an edition's sites (all of them when it is not limited to some)."""
    return [r for r in rows if not edition.sites or r["site"] in edition.sites]


def _score_chart(screens: list[Row]) -> Any:
    series: dict[str, list] = defaultdict(list)
    for s in screens:
        series[s["instrument"]].append((s["screen_date"], float(s["total_score"])))
    top = max((TOP_SCORES.get(name, 27) for name in series), default=27)
    return charts.score_trend("Screen totals over time (lower is better)", series, top)


def _page(run: Run, edition: Edition, agency: Agency, prepared: Batch, privacy: Privacy,
          client: Row) -> str:
    pid = client["person_id"]
    say = agency.vocabulary.say
    everything = prepared.events.get(pid, [])
    events = [_labelled(e, prepared.records, agency.vocabulary, privacy)
              for e in _in_sites(edition, everything)]
    by_key = {e["event_key"]: e for e in events}
    momentum = agency.momentum.get(pid)
    cited = {}
    for e in events:
        key = (e["_load_id"], int(e["_source_row"]))
        if key in prepared.records and key not in cited:
            table, row = prepared.records[key]
            cited[key] = source_record(table, row, privacy, agency.vocabulary)
    shown = {(e["_load_id"], int(e["_source_row"])) for e in events}
    left_out = {(e["_load_id"], int(e["_source_row"])) for e in everything} - shown
    all_history = prepared.history.get(pid, [])
    history = [{**h, "grade_reason": say(h["grade_reason"])}
               for h in _in_sites(edition, all_history)]
    return run.render(
        "client.html.j2", edition, run.links(edition),
        brief=run.briefs["comprehensive"],
        client=client,
        momentum={**momentum, "grade_reason": say(momentum["grade_reason"]),
                  "overdue_survey_types": say(momentum["overdue_survey_types"])}
        if momentum else None,
        deciding={
            "movement": by_key.get(f"movement:{momentum['last_movement_key']}")
            if momentum else None,
            "contact": by_key.get(f"contact:{momentum['last_contact_key']}")
            if momentum else None,
        },
        left_out={"records": len(left_out), "months": len(all_history) - len(history)},
        missing_elements=_in_sites(edition, prepared.missing.get(pid, [])),
        anomalies=_in_sites(edition, prepared.anomalies.get(pid, [])),
        history=list(reversed(history)),
        history_chart=charts.grade_strip(
            "Grade at each month-end", [(h["as_of_date"], h["grade"]) for h in history],
            GRADE_LABELS) if history else None,
        sections=[{"category": c, "title": title,
                   "rows": [e for e in events if e["category"] == c]}
                  for c, title in SECTIONS.items()],
        followups=[e for e in events if e["category"] == "contact"
                   and e["kind"] == "survey_response"],
        screens=_in_sites(edition, prepared.screens.get(pid, [])),
        score_chart=_score_chart(_in_sites(edition, prepared.screens.get(pid, []))),
        findings=_findings(events, prepared.notes, privacy),
        records=sorted(cited.values(), key=lambda r: (r.source_file, r.source_row)),
        loaded=max((r.loaded_at for r in cited.values()), default=None),
        say=say,
    )


@dataclass(frozen=True)
class _Publishing:
    """What every batch of pages is written with: made by the parent before any worker is
    forked, so workers inherit it (the links' names included: a worker never reads the
    warehouse)."""

    run: Run
    editions: list[Edition]
    agency: Agency
    links: dict[str, Links]
    privacy: dict[str, Privacy]
    due: dict[str, set[str]]  # edition -> the person_ids whose pages are made again


_publishing: _Publishing | None = None


def _code_digest() -> str:
    """The code and templates a client page is made with: a new version rewrites every page."""
    files = sorted([*TEMPLATES.glob("*.j2"), *Path(__file__).parent.glob("*.py"),
                    Path(redact_module.__file__)])
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _shared_digest(run: Run, edition: Edition, agency: Agency, code: str) -> str:
    """Everything an edition's client pages share: code, as-of date, the edition and the
    rest of the reports config, the brief, the code lists and the drops that failed."""
    failures = [f for f in run.failures if not edition.sites or f["site"] in edition.sites]
    return _sha(repr(_canonical((code, run.as_of, edition, run.config,
                                 run.briefs["comprehensive"], failures, agency.vocabulary))))


def _canonical(value: Any) -> Any:
    """`value` with every set and mapping in sorted order, so its repr is the same in every
    process (a set's order follows the process's string hashing)."""
    if is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, dict):
        return sorted((repr(k), _canonical(v)) for k, v in value.items())
    if isinstance(value, set | frozenset):
        return sorted(repr(_canonical(v)) for v in value)
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _publish_batch(task: tuple[Batch, list[Row]]) -> list[Path]:
    """The due pages of a batch's clients, in every edition; returns the pages written."""
    assert _publishing is not None, "publish() sets what batches are written with"
    state, (prepared, clients) = _publishing, task
    return [write_page(state.run, edition, f"clients/{client['person_id']}.html",
                       _page(state.run, edition, state.agency, prepared,
                             state.privacy[edition.name], client))
            for edition in state.editions for client in clients
            if client["person_id"] in state.due[edition.name]]


class _Names:
    """Which persons' pages may hold a name new to the agency since an edition was last
    published (`page_changes.meeting_names`), asked once per set of new names."""

    def __init__(self, run: Run, agency: Agency) -> None:
        self.run, self.agency = run, agency
        self.hashes = {name_hash(name): name for name in agency.redactor.known_names}
        self.asked: dict[frozenset[str], set[str] | None] = {}

    def meeting_new(self, kept_hashes: list[str] | None) -> set[str] | None:
        """None when every page must be made again (nothing kept, or a name gone)."""
        before = set(kept_hashes or ())
        if kept_hashes is None or before - self.hashes.keys():
            return None
        new = frozenset(name for h, name in self.hashes.items() if h not in before)
        if new not in self.asked:
            self.asked[new] = meeting_names(self.run.wh, set(new), self.agency.redactor,
                                            self.agency.vocabulary,
                                            self.run.config.free_text_columns)
        return self.asked[new]


def publish(run: Run, editions: list[Edition]) -> list[Path]:
    """Write the client pages of each edition whose data changed since they were written,
    batch by batch (in worker processes for a large agency); then each edition's client
    directory and a forwarding page for each merged person_id, so an old link still reaches
    the person. Returns the pages written."""
    global _publishing
    agency = read_agency(run)
    code = _code_digest()
    made_from = data_digests(run.wh)
    names = _Names(run, agency)
    links = {e.name: run.links(e) for e in editions}
    digests: dict[str, dict[str, str]] = {}
    due: dict[str, set[str]] = {}
    for edition in editions:
        shared, scope = _shared_digest(run, edition, agency, code), links[edition.name]
        # the same data, edition and name: the same page, so the one on disk is kept
        digests[edition.name] = {
            c["person_id"]: _sha(shared + made_from.get(c["person_id"], "")
                                 + repr(scope.name(c["person_id"])))
            for c in agency.clients if scope.in_scope(c["person_id"])}
        on_disk = page_digests(run, edition, "clients")
        meeting = names.meeting_new(kept(run, edition, "clients.names"))
        due[edition.name] = {pid for pid, digest in digests[edition.name].items()
                             if on_disk.get(pid) != digest or meeting is None or pid in meeting}
    _publishing = _Publishing(
        run=run, editions=editions, agency=agency, links=links,
        privacy={e.name: Privacy(run.config, e, agency.redactor, agency.facts)
                 for e in editions},
        due=due)
    wanted = [c for c in agency.clients if any(c["person_id"] in d for d in due.values())]
    tasks = ((read_batch(run, [c["person_id"] for c in batch]), batch)
             for batch in (wanted[start:start + BATCH_CLIENTS]
                           for start in range(0, len(wanted), BATCH_CLIENTS)))
    processes = min(run.settings.report_processes, -(-len(wanted) // BATCH_CLIENTS))
    written: list[Path] = []
    parallel = processes > 1 and forking()
    if parallel:  # workers inherit the parent: hand back what it freed, and keep the
        # collector off what it holds (a collection in a worker would copy every page of it)
        release()
        gc.freeze()
    try:
        results = in_order(tasks, _publish_batch, processes) if parallel else map(
            _publish_batch, tasks)
        written += [path for done in results for path in done]
    finally:
        _publishing = None
        gc.unfreeze()
    for edition in editions:
        keep(run, edition, "clients", digests[edition.name])
        keep(run, edition, "clients.names", sorted(names.hashes))
        scoped = [c for c in agency.clients if links[edition.name].in_scope(c["person_id"])]
        written += _directory(run, edition, agency, scoped)
    return written


def _directory(run: Run, edition: Edition, agency: Agency, clients: list[Row]) -> list[Path]:
    written = []
    shown = {c["person_id"] for c in clients}
    for old, survivor in agency.merged.items():
        if survivor in shown:
            written.append(write_page(run, edition, f"clients/{old}.html", run.render(
                "merged.html.j2", edition, run.links(edition), old=old, survivor=survivor)))
    written.append(write_page(run, edition, "clients/index.html", run.render(
        "clients.html.j2", edition, run.links(edition), brief=run.briefs["comprehensive"],
        clients=[{**c, "grade": agency.momentum.get(c["person_id"], {}).get("grade"),
                  "site": agency.momentum.get(c["person_id"], {}).get("site"),
                  "program": agency.momentum.get(c["person_id"], {}).get("program")}
                 for c in clients])))
    return written
