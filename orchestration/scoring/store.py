"""Where readings live: locked by (note_sha256, rubric_version, model), never read twice.

- `scoring.note_reads`: one row per reading ever made (the lock), with its costs.
- `scoring.finding_history`: every accepted finding of every reading, offsets into the note.
- `scoring.note_findings`: what dbt reads: the findings of each current note under the
  configured rubric version and model only, rebuilt whole at the end of every run.

Readings are keyed by the note's text hash, so an edited note is a new note and two notes
with the same text share one reading.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from orchestration.scoring.reading import Reading
from orchestration.warehouse import Warehouse

PAGE_NOTES = 50_000


@dataclass(frozen=True)
class CurrentNote:
    """The latest version of a case note whose text awaits reading."""

    site: str
    note_id: str
    personal_id: str | None
    note_sha256: str
    text: str


def ensure_tables(wh: Warehouse) -> None:
    wh.execute("""create table if not exists scoring.note_reads (
        note_sha256 varchar, rubric_version varchar, model varchar, rubric_name varchar,
        backend varchar, findings integer, rejected_invalid integer, rejected_quotes integer,
        rejected_instructions integer, calls integer, retries integer, prompt_tokens integer,
        completion_tokens integer, read_at timestamp,
        primary key (note_sha256, rubric_version, model))""")
    wh.execute("""create table if not exists scoring.finding_history (
        note_sha256 varchar, rubric_version varchar, model varchar, category varchar,
        label varchar, level varchar, rationale varchar, quote varchar, quote_start integer,
        quote_end integer)""")
    wh.execute("""create table if not exists scoring.note_findings (
        note_sha256 varchar, rubric_version varchar, model varchar, site varchar,
        note_id varchar, category varchar, label varchar, level varchar, quote varchar,
        quote_start integer, quote_end integer, scored_at timestamp, rationale varchar,
        rubric_name varchar)""")


CURRENT = "_current_notes"


def find_current_notes(wh: Warehouse) -> int:
    """Write the latest version of every case note, with its text hash and where its text
    is, to the temp table `_current_notes`: hashed once per run, in the warehouse, so a run
    moves only the texts still to be read. Returns how many notes are current."""
    wh.execute(f"drop table if exists {CURRENT}")
    if not wh.table_exists("raw", "case_notes"):
        wh.execute(f"create temp table {CURRENT} (site varchar, note_id varchar,"
                   " personal_id varchar, note_sha256 varchar, _load_id varchar,"
                   " _source_row bigint)")
        return 0
    wh.execute(f"""
        create temp table {CURRENT} as
        select _site as site, note_id, personal_id,
               {wh.sha256_hex("coalesce(text, '')")} as note_sha256, _load_id, _source_row
        from (
            select *, row_number() over (
                partition by _site, note_id order by _loaded_at desc, _source_row desc
            ) as _version
            from raw.case_notes
            where note_id is not null) versions
        where _version = 1""")
    return wh.scalar(f"select count(*) from {CURRENT}")


PENDING = "_pending_notes"


def find_pending_notes(wh: Warehouse, rubric_version: str, model: str) -> int:
    """Write one current note (`find_current_notes` first) per text not yet read under this
    rubric version and model (the first by site and note id, when several notes share a
    text) to the temp table `_pending_notes`, without its text, numbered in the order the
    notes are stored in raw: a page of texts then joins a few neighbouring row groups of raw,
    not all of them, and a run's fetching grows with its notes, not their square.
    Returns how many notes are pending."""
    wh.execute(f"drop table if exists {PENDING}")
    wh.execute(f"""
        create temp table {PENDING} as
        select row_number() over (order by _load_id, _source_row) as _seq, site, note_id,
               personal_id, note_sha256, _load_id, _source_row
        from (
            select c.*, row_number() over (
                partition by c.note_sha256 order by c.site, c.note_id) as _copy
            from {CURRENT} c
            where c.note_sha256 not in (
                select note_sha256 from scoring.note_reads
                where rubric_version = ? and model = ?)) unread
        where _copy = 1""", [rubric_version, model])
    return wh.scalar(f"select count(*) from {PENDING}")


def pending_pages(wh: Warehouse, page: int = PAGE_NOTES) -> Iterator[list[CurrentNote]]:
    """The pending notes (`find_pending_notes` first) with their texts, `page` at a time: a
    first run over millions of notes holds one page of texts, not all of them. Each page is
    fetched whole, so readings can be saved on the same connection between pages."""
    total = wh.scalar(f"select count(*) from {PENDING}")
    for first in range(1, total + 1, page):
        yield [CurrentNote(*row) for row in wh.rows(f"""
            select p.site, p.note_id, p.personal_id, p.note_sha256,
                   coalesce(raw_notes.text, '')
            from {PENDING} p
            join raw.case_notes raw_notes
              on raw_notes._load_id = p._load_id and raw_notes._source_row = p._source_row
            where p._seq between ? and ?
            order by p._seq""", [first, first + page - 1])]


@dataclass(frozen=True)
class Stamp:
    """What every reading of a run is stored under."""

    rubric_name: str
    rubric_version: str
    model: str
    backend: str
    at: datetime


def reading_tables(readings: list[Reading], stamp: Stamp) -> tuple[pa.Table, pa.Table]:
    """(scoring.note_reads rows, scoring.finding_history rows) of the readings that did not
    fail; built where the readings are (a worker process hands back two Arrow tables)."""
    stored = [r for r in readings if not r.failed]
    n = len(stored)
    reads = pa.table({
        "note_sha256": pa.array([r.note_sha256 for r in stored], pa.string()),
        "rubric_version": pa.array([stamp.rubric_version] * n, pa.string()),
        "model": pa.array([stamp.model] * n, pa.string()),
        "rubric_name": pa.array([stamp.rubric_name] * n, pa.string()),
        "backend": pa.array([stamp.backend] * n, pa.string()),
        **{column: pa.array([getattr(r, column) for r in stored], pa.int64())
           for column in ("rejected_invalid", "rejected_quotes", "rejected_instructions")},
        **{column: pa.array([getattr(r.answer, column) for r in stored], pa.int64())
           for column in ("calls", "retries", "prompt_tokens", "completion_tokens")},
        "findings": pa.array([len(r.findings) for r in stored], pa.int64()),
        "read_at": pa.array([stamp.at] * n, pa.timestamp("us")),
    })
    found = [(r.note_sha256, f) for r in stored for f in r.findings]
    history = pa.table({
        "note_sha256": pa.array([sha for sha, _ in found], pa.string()),
        "rubric_version": pa.array([stamp.rubric_version] * len(found), pa.string()),
        "model": pa.array([stamp.model] * len(found), pa.string()),
        **{column: pa.array([getattr(f, column) for _, f in found],
                            pa.int32() if column.startswith("quote_") else pa.string())
           for column in ("category", "label", "level", "rationale", "quote", "quote_start",
                          "quote_end")},
    })
    return reads, history


def save_tables(wh: Warehouse, reads: pa.Table, history: pa.Table) -> None:
    """Readings and their findings in one transaction: a reading is stored whole or not at all."""
    if not reads.num_rows:
        return
    with wh.transaction():
        wh.insert_arrow("scoring.note_reads", reads)
        if history.num_rows:
            wh.insert_arrow("scoring.finding_history", history)


def save_readings(wh: Warehouse, readings: list[Reading], stamp: Stamp) -> None:
    save_tables(wh, *reading_tables(readings, stamp))


def publish_current(wh: Warehouse, rubric_version: str, model: str) -> int:
    """Replace scoring.note_findings with the current notes' (`find_current_notes`) findings
    under this rubric version and model; returns the number of findings published."""
    with wh.transaction():
        wh.execute("delete from scoring.note_findings")
        wh.execute(f"""
            insert into scoring.note_findings
            select h.note_sha256, h.rubric_version, h.model, c.site, c.note_id, h.category,
                   h.label, h.level, h.quote, h.quote_start, h.quote_end, r.read_at,
                   h.rationale, r.rubric_name
            from {CURRENT} c
            join scoring.note_reads r
              on r.note_sha256 = c.note_sha256 and r.rubric_version = ? and r.model = ?
            join scoring.finding_history h
              on h.note_sha256 = r.note_sha256 and h.rubric_version = r.rubric_version
             and h.model = r.model
            order by c.site, c.note_id, h.quote_start, h.category, h.label""",
                   [rubric_version, model])
    wh.execute(f"drop table {CURRENT}")
    wh.execute(f"drop table if exists {PENDING}")
    return wh.scalar("select count(*) from scoring.note_findings")
