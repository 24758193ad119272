"""Source records behind report claims: the loaded row (file, row, fields) a claim links to,
with what an edition may not see taken out, HUD codes shown as their labels, and case notes
as plain text with their cited quotes marked.

An anchor id depends only on the load and row, which never change once loaded, so a link
to a source record keeps working on every later run.
"""

from __future__ import annotations

import hashlib
import html
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
_INTEGER = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_TERM = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
# Rich-text markup in a note: a tag, or a character reference (&amp;, &#39;).
_MARKUP = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
# The tags a rich-text editor writes. They are dropped (those that end a line become a line
# break); any other tag, a <script> say, stays in the text for the reader to see.
_FORMATTING = frozenset({"p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "font",
                         "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})
_LINE_ENDS = frozenset({"br", "p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})
SERVICE_TYPES = "hud_service_type"  # a TypeProvided means something only under its RecordType
NAMES = frozenset({"NAME"})  # what an edition that may name its clients leaves unredacted

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
    fields: tuple[tuple[str, str], ...]  # (column, value as shown)
    loaded: dict[str, str]  # column -> what was loaded, where a label is shown instead


@dataclass(frozen=True)
class Segment:
    """A piece of note text: marked when inside a cited quote, redacted when a placeholder."""

    text: str
    marked: bool = False
    redacted: bool = False


class Privacy:
    """What one edition may show of loaded fields and free text."""

    def __init__(self, config: ReportsConfig, edition: Edition, redactor: Redactor,
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
        """The text as this edition shows it: contact details and identifiers (and the note's
        own client's, when known) replaced by placeholders in every edition, and names too
        unless the edition may show them."""
        return self.redactor.redact(text, self.facts.get((site or "", personal_id or "")),
                                    NAMES if self.names_allowed else frozenset())

    def field(self, column: str, value: str, row: dict[str, str]) -> str:
        if column in self.config.free_text_columns:
            return plain(self.redaction(value, row.get("_site"), row.get("personal_id")).text)
        return value


@dataclass(frozen=True)
class Vocabulary:
    """How a page says a code or one of caseintel's own words: HUD's code lists and
    report_terms (dbt seeds, schema `reference`) and momentum.yaml's stall-reason labels."""

    codes: dict[str, dict[str, str]]  # code list -> code (service types: 'record:type') -> label
    fields: dict[tuple[str, str], str]  # (raw table, column) -> code list
    terms: dict[str, str]

    def value(self, table: str, column: str, row: dict[str, str]) -> tuple[str, str | None]:
        """A loaded field as shown, and what was loaded when that is a label instead (a HUD
        code, or one of caseintel's words such as `in_progress`); None when shown as is."""
        value = row.get(column, "")
        code_list = self.fields.get((table, column))
        if code_list is None and _SNAKE.fullmatch(value):
            return self.say(value), f"as loaded: {value}"
        if code_list is None or value == "":
            return value, None
        code = key = _code(value)
        labels = self.codes.get(code_list, {})
        if code_list == SERVICE_TYPES:
            record_type = _code(row.get("record_type", ""))
            if not any(k.startswith(f"{record_type}:") for k in labels):
                return (f"Code {code} (no labels held for record type {record_type})",
                        f"HUD code {code}")
            key = f"{record_type}:{code}"
        label = labels.get(key)
        return (label if label is not None else f"Code {code} (not in HUD's list)",
                f"HUD code {code}")

    def say(self, text: str | None) -> str:
        """One of caseintel's words (`housing_move_in`) as its label, or every such word in a
        sentence; a word without a label is shown with its underscores as spaces."""
        if not text:
            return ""
        if _TERM.match(text):
            label = self.terms.get(text)
            return label if label is not None else text.replace("_", " ").capitalize()
        return _SNAKE.sub(lambda m: self.terms.get(m.group(0), m.group(0).replace("_", " ")),
                          text)


def _code(value: str) -> str:
    """A code as the seeds hold it: '08', ' 8' and '8.0' are all 8."""
    value = value.strip()
    return str(int(float(value))) if _INTEGER.match(value) else value


def read_vocabulary(wh: Warehouse) -> Vocabulary:
    """Every label a page may need, read once per run (the code lists are small)."""
    fields = {(table, column): code_list for table, column, code_list in wh.rows(
        "select source_table, column_name, code_list from reference.hud_coded_fields")}
    codes: dict[str, dict[str, str]] = {}
    for code_list in sorted(set(fields.values())):
        if not _IDENTIFIER.match(code_list):
            continue
        key = ("cast(record_type as varchar) || ':' || cast(type_provided as varchar)"
               if code_list == SERVICE_TYPES else "cast(code as varchar)")
        codes[code_list] = dict(wh.rows(f"select {key}, label from reference.{code_list}"))
    terms = dict(wh.rows("select term, label from reference.report_terms"))
    terms.update(wh.rows("select distinct cluster_key, cluster_label"
                         " from staging.stg_rubric__stall_reasons"))
    return Vocabulary(codes, fields, terms)


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


def source_record(table: str, row: dict[str, str], privacy: Privacy,
                  vocabulary: Vocabulary) -> SourceRecord:
    """The row as `privacy` lets it be shown, codes as their labels."""
    fields, loaded = [], {}
    for column, value in row.items():
        if not privacy.visible(column) or value == "":
            continue
        if column not in privacy.config.free_text_columns:
            value, was = vocabulary.value(table, column, row)
            if was is not None:
                loaded[column] = was
        fields.append((column, privacy.field(column, value, row)))
    return SourceRecord(
        anchor=anchor(row["_load_id"], int(row["_source_row"])),
        table=table,
        source_file=row["_source_file"],
        source_row=int(row["_source_row"]),
        load_id=row["_load_id"],
        loaded_at=row.get("_loaded_at", "")[:19],
        fields=tuple(fields),
        loaded=loaded,
    )


def note_facts(wh: Warehouse) -> dict[tuple[str, str], ClientFacts]:
    """Identifiers of every case note's own client, keyed (site, personal_id), so redaction
    catches the client's name in any case."""
    return client_facts(wh, {(site, pid) for site, pid in wh.rows(
        "select distinct site, personal_id from staging.stg_notes__case_notes"
        " where personal_id is not null")})


def markup(text: str) -> list[tuple[int, int, str]]:
    """Where a note holds rich-text markup, and the plain text each piece stands for: a
    formatting tag is dropped (a line break where it ends a line), a character reference
    is its character. A note is shown as text, never rendered: other tags stay as written."""
    found = []
    for match in _MARKUP.finditer(text):
        tag = (match.group(1) or "").lower()
        if not tag:
            found.append((match.start(), match.end(), html.unescape(match.group(0))))
        elif tag in _FORMATTING:
            ends_line = tag in _LINE_ENDS and (tag == "br" or match.group(0).startswith("</"))
            found.append((match.start(), match.end(), "\n" if ends_line else ""))
    end = len(text.rstrip())
    for i in reversed(range(len(found))):  # no line break after the last line
        start, stop, replacement = found[i]
        if stop != end or replacement.strip():
            break
        found[i], end = (start, stop, ""), start
    return found


def plain(text: str) -> str:
    """`text` with its markup replaced (see `markup`), for a field shown on one line."""
    pieces, at = [], 0
    for start, end, replacement in markup(text):
        pieces += [text[at:start], replacement]
        at = end
    return " ".join("".join([*pieces, text[at:]]).split())


def highlight(text: str, quotes: Iterable[tuple[int, int]],
              redaction: Redaction | None = None,
              replaced: Iterable[tuple[int, int, str]] = ()) -> list[Segment]:
    """Split a note into segments, marking the quoted spans (offsets into the original text),
    replacing redacted identifiers by their placeholders and each `replaced` span (start,
    end, text shown instead: see `markup`) by its text."""
    redaction = redaction or Redaction.none(text)
    spans = [(o_start, o_end, redaction.text[r_start:r_end])
             for r_start, r_end, o_start, o_end in redaction.spans]
    replaced = list(replaced)
    quotes = [(max(0, s), min(len(text), e)) for s, e in quotes if s is not None and e is not None]
    cuts = sorted({0, len(text), *(p for q in quotes for p in q),
                   *(p for s, e, _ in [*spans, *replaced] for p in (s, e))})
    segments: list[Segment] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start == end:
            continue
        marked = any(s <= start and end <= e for s, e in quotes)
        covering = next((sp for sp in spans if sp[0] <= start and end <= sp[1]), None)
        swapped = next((sp for sp in replaced if sp[0] <= start and end <= sp[1]), None)
        if covering is not None:
            if covering[0] != start:
                continue
            piece = Segment(covering[2], marked, redacted=True)
        elif swapped is not None:
            if swapped[0] != start or not swapped[2]:
                continue
            piece = Segment(swapped[2], marked)
        else:
            piece = Segment(text[start:end], marked)
        last = segments[-1] if segments else None
        if last and last.marked == piece.marked and not last.redacted and not piece.redacted:
            segments[-1] = Segment(last.text + piece.text, last.marked)
        else:
            segments.append(piece)
    return segments
