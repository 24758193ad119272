"""Source records behind report claims: the loaded row (file, row, fields) a claim links to,
with what an edition may not see taken out, and case notes with their cited quotes marked.

An anchor id depends only on the load and row, which never change once loaded, so a link
to a source record keeps working on every later run.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from orchestration.reports.config import Edition, ReportsConfig
from orchestration.scoring.clients import client_facts, known_names
from orchestration.scoring.redact import ClientFacts, Redaction, Redactor
from orchestration.warehouse import Warehouse

LINEAGE = frozenset({"_load_id", "_site", "_source_file", "_source_row", "_file_sha256",
                     "_loaded_at", "_export_dir", "_csv_version"})
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")

Ref = tuple[str, int]  # (_load_id, _source_row)


def anchor(load_id: str, row: int) -> str:
    """A stable HTML id for one loaded row."""
    return "src-" + hashlib.sha1(f"{load_id}:{row}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class SourceRecord:
    """One loaded row as a report shows it."""

    anchor: str
    table: str
    source_file: str
    source_row: int
    load_id: str
    loaded_at: str
    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Segment:
    """A piece of note text: marked when inside a cited quote, redacted when a placeholder."""

    text: str
    marked: bool = False
    redacted: bool = False


class Privacy:
    """What one edition may show of loaded fields and free text."""

    def __init__(self, config: ReportsConfig, edition: Edition, redactor: Redactor | None,
                 facts: dict[tuple[str, str], ClientFacts] | None = None):
        self.config = config
        self.names_allowed = edition.client_names
        self.redactor = redactor
        self.facts = facts or {}

    def visible(self, column: str) -> bool:
        if column in LINEAGE or column in self.config.identifier_columns:
            return False
        return self.names_allowed or column not in self.config.name_columns

    def redaction(self, text: str, site: str | None = None,
                  personal_id: str | None = None) -> Redaction:
        """The text as this edition shows it: as written when names are allowed, else with
        identifiers (and the note's own client's, when known) replaced by placeholders."""
        if self.names_allowed or self.redactor is None:
            return Redaction.none(text)
        return self.redactor.redact(text, self.facts.get((site or "", personal_id or "")))

    def field(self, column: str, value: str, row: dict[str, str]) -> str:
        if column in self.config.free_text_columns:
            return self.redaction(value, row.get("_site"), row.get("personal_id")).text
        return value


def redactor_for(wh: Warehouse) -> Redactor:
    """The note reader's redactor, knowing every name in the agency's records."""
    return Redactor(known_names(wh))


def load_records(wh: Warehouse, refs: Iterable[Ref]) -> dict[Ref, tuple[str, dict[str, str]]]:
    """The raw rows behind `refs`: (raw table, {column: value}) per (load, row). Only those
    rows are read, a load at a time, so the cost follows the references, not the loads."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for load_id, row in refs:
        if load_id is not None and row is not None:
            wanted[load_id].add(int(row))
    found: dict[Ref, tuple[str, dict[str, str]]] = {}
    for load_id, table in wh.rows("select load_id, source_table from raw.ingest_ledger"):
        if load_id not in wanted or not table or not _IDENTIFIER.match(table):
            continue
        cursor = wh.execute(f"select * from raw.{table} where _load_id = ?"
                            " and _source_row = any(?)", [load_id, sorted(wanted[load_id])])
        names = [d[0] for d in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            found[(load_id, int(row["_source_row"]))] = (
                table, {k: "" if v is None else str(v) for k, v in row.items()})
    return found


def source_record(table: str, row: dict[str, str], privacy: Privacy) -> SourceRecord:
    return SourceRecord(
        anchor=anchor(row["_load_id"], int(row["_source_row"])),
        table=table,
        source_file=row["_source_file"],
        source_row=int(row["_source_row"]),
        load_id=row["_load_id"],
        loaded_at=row.get("_loaded_at", "")[:19],
        fields=tuple((k, privacy.field(k, v, row)) for k, v in row.items()
                     if privacy.visible(k) and v != ""),
    )


def note_facts(wh: Warehouse) -> dict[tuple[str, str], ClientFacts]:
    """Identifiers of every case note's own client, keyed (site, personal_id), so redaction
    catches the client's name in any case."""
    return client_facts(wh, {(site, pid) for site, pid in wh.rows(
        "select distinct site, personal_id from staging.stg_notes__case_notes"
        " where personal_id is not null")})


def highlight(text: str, quotes: Iterable[tuple[int, int]],
              redaction: Redaction | None = None) -> list[Segment]:
    """Split a note into segments, marking the quoted spans (offsets into the original text)
    and replacing redacted identifiers by their placeholders."""
    redaction = redaction or Redaction.none(text)
    spans = [(o_start, o_end, redaction.text[r_start:r_end])
             for r_start, r_end, o_start, o_end in redaction.spans]
    quotes = [(max(0, s), min(len(text), e)) for s, e in quotes if s is not None and e is not None]
    cuts = sorted({0, len(text), *(p for q in quotes for p in q),
                   *(p for s, e, _ in spans for p in (s, e))})
    segments: list[Segment] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start == end:
            continue
        marked = any(s <= start and end <= e for s, e in quotes)
        covering = next((sp for sp in spans if sp[0] <= start and end <= sp[1]), None)
        if covering is None:
            piece = Segment(text[start:end], marked)
        elif covering[0] == start:
            piece = Segment(covering[2], marked, redacted=True)
        else:
            continue
        last = segments[-1] if segments else None
        if last and last.marked == piece.marked and not last.redacted and not piece.redacted:
            segments[-1] = Segment(last.text + piece.text, last.marked)
        else:
            segments.append(piece)
    return segments
