"""Decode and parse landing files into header + records, keeping each record's row number.

A file's bytes are checked for their encoding in chunks and decoded as they are parsed, so a
file is never held as one decoded string (a UTF-8 file with one non-Latin-1 character would
take twice its size as a Python str, four times with an emoji).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from orchestration.layouts import ALIASES

ENCODINGS = ("utf-8-sig", "cp1252")
CHUNK_BYTES = 16 * 2**20


class StructuralError(ValueError):
    """A file that cannot be read as a table at all; nothing of it is loaded."""

    def __init__(self, file: str, message: str, line: int | None = None, field: str | None = None):
        where = f"{file}" + (f", line {line}" if line is not None else "")
        where += f", field '{field}'" if field else ""
        super().__init__(f"{where}: {message}")
        self.file, self.line, self.field = file, line, field


# What a person does about a file that could not be read, by what was wrong with it.
_ADVICE = (
    (("damaged zip",), "The zip is damaged (often an interrupted upload): ask the site to "
     "upload the export again."),
    (("not a CSV", "binary", "UTF-16 text is damaged", "neither UTF-8"),
     "Export the file again from the source system as comma-separated text (CSV)."),
    (("wrong delimiter",), "Save the file comma-separated (not semicolons, tabs or pipes), or "
     "export it again from the source system."),
    (("is not a layout caseintel reads",), "Export again in the HUD FY2024 or FY2026 CSV layout "
     "(FY2022 exports are read too)."),
    (("no Export.csv", "Export.csv has"), "Every HMIS export needs its Export.csv with exactly "
     "one row: export the whole set again."),
    (("layout that Export.csv announces",), "The files of this export mix fiscal-year layouts: "
     "export the whole set again from one system."),
    (("missing required column",), "Add the missing column (see docs/contracts.md) or export "
     "the file again with every column."),
    (("not valid CSV",), "A quoted value is not closed: open the file at the line named, close "
     "the quote, and drop the file again."),
    (("file is empty",), "The file has no header row: export it again."),
)


def advice(message: str) -> str:
    """The next step for a person whose drop could not be read."""
    for phrases, text in _ADVICE:
        if any(p in message for p in phrases):
            return text
    return ("Fix the file at the line and field named, then drop it again; nothing of it "
            "was loaded.")


@dataclass
class BadRecord:
    """A record that could not be mapped onto the header, kept whole for quarantine."""

    row: int
    rule: str
    reason: str
    raw: str


@dataclass
class ParsedFile:
    header: list[str]
    records: list[tuple[int, list[str | None]]] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)
    encoding: str = "utf-8"

    @property
    def rows_read(self) -> int:
        return len(self.records) + len(self.bad)


_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")
_NON_WORD = re.compile(r"[^0-9a-zA-Z]+")


@cache
def snake_case(name: str) -> str:
    """`PersonalID` -> `personal_id`, `SSNDataQuality` -> `ssn_data_quality`."""
    name = _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", name.strip()))
    return _NON_WORD.sub("_", name).strip("_").lower()


def column_name(header: str) -> str:
    """A header's raw column: snake_case, one name for the spellings of one HUD column."""
    name = snake_case(header)
    return ALIASES.get(name, name)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sniff(data: bytes, file: str) -> None:
    """Refuse bytes that are plainly not a delimited text file, naming what they look like."""
    head = data[:4096]
    if head.startswith(b"PK\x03\x04"):
        raise StructuralError(file, "not a CSV: this is a zip container (an Excel workbook?)")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise StructuralError(file, "not a CSV: this is a legacy Excel/Office file")
    if head.startswith(b"%PDF"):
        raise StructuralError(file, "not a CSV: this is a PDF")
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in head:
        raise StructuralError(file, "not a CSV: the file contains binary (NUL) bytes", line=1)
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        raise StructuralError(file, "not a CSV: this is an HTML page")


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether all of `data` is valid in `encoding`, checked a chunk at a time."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(data), CHUNK_BYTES):
            decoder.decode(view[start:start + CHUNK_BYTES], final=start + CHUNK_BYTES >= len(data))
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(data: bytes, file: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if _decodes(data, "utf-16"):
            return "utf-16"
        try:
            data.decode("utf-16")
        except UnicodeDecodeError as exc:  # decoded whole only to say where it breaks
            raise StructuralError(file, f"UTF-16 text is damaged: {exc.reason}") from None
    for encoding in ENCODINGS:
        if _decodes(data, encoding):
            return encoding
    try:
        data.decode(ENCODINGS[-1])
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise StructuralError(file, f"byte 0x{data[exc.start]:02x} at offset {exc.start} is "
                              "neither UTF-8 nor Windows-1252 text", line=line) from None
    raise AssertionError("unreachable: the last encoding decoded in full")


def text_stream(data: bytes, encoding: str) -> io.TextIOWrapper:
    """The bytes as text, decoded as read (BytesIO shares `data`; line ends kept as they are)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")


def _blank_to_none(value: str) -> str | None:
    return value if value != "" else None


def _slices(header: list[str], rows: Iterator[tuple[int, list | None, tuple | None]],
            size: int | None) -> Iterator[ParsedFile]:
    """Group (row, values or None, bad reason) into ParsedFiles of at most `size` rows."""
    parsed, yielded = ParsedFile(header=header), False
    for row, values, problem in rows:
        if values is None:
            rule, reason, raw = problem
            parsed.bad.append(BadRecord(row, rule, reason, raw))
        else:
            parsed.records.append((row, values))
        if size is not None and parsed.rows_read >= size:
            yield parsed
            parsed, yielded = ParsedFile(header=header), True
    if parsed.rows_read or not yielded:  # an empty file is one empty slice
        yield parsed


def csv_slices(text: io.TextIOBase, file: str, size: int | None = None) -> Iterator[ParsedFile]:
    """The file's records in order, `size` rows at a time (all at once when None).

    The header is checked before the first slice; a CSV error later in the file raises
    when its slice is reached, naming the line.
    """
    lines = _Lines(text)
    reader = csv.reader(lines, strict=True)
    try:
        raw_header = next(reader)
    except StopIteration:
        raise StructuralError(file, "file is empty (no header row)") from None
    except csv.Error as exc:
        raise StructuralError(file, f"header is not valid CSV: {exc}", line=1) from None
    _check_delimiter(raw_header, file)
    header = [column_name(h) for h in raw_header]
    _check_header(header, file)

    def rows() -> Iterator[tuple[int, list | None, tuple | None]]:
        row = 0
        while True:
            lines.taken.clear()
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if lines.ended:  # a quote left open runs to the end: no record can be trusted
                    raise StructuralError(file, f"not valid CSV: {exc}",
                                          line=reader.line_num) from None
                # the reader starts again on the next line: only this record is lost
                row += 1
                yield row, None, ("csv_syntax", f"line {reader.line_num} is not valid CSV: "
                                  f"{exc}", "".join(lines.taken))
                continue
            if not fields or fields == [""]:
                continue
            row += 1
            if len(fields) != len(header):
                yield row, None, ("field_count",
                                  f"row has {len(fields)} fields, header has {len(header)}",
                                  json.dumps(fields, ensure_ascii=False))
                continue
            yield row, [_blank_to_none(v) for v in fields], None

    return _slices(header, rows(), size)


class _Lines:
    """The text's lines as the CSV reader takes them, keeping those of the record being read
    (a record the reader rejects is quarantined as it was written)."""

    def __init__(self, text: io.TextIOBase) -> None:
        self._lines = iter(text)
        self.taken: list[str] = []
        self.ended = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        try:
            line = next(self._lines)
        except StopIteration:
            self.ended = True
            raise
        self.taken.append(line)
        return line


def _json_lines(text: io.TextIOBase) -> Iterator[tuple[int, dict | None, str]]:
    row = 0
    for line in text:
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        row += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            obj = None
        yield row, obj if isinstance(obj, dict) else None, line


def jsonl_slices(open_text: Callable[[], io.TextIOBase], file: str,
                 size: int | None = None) -> Iterator[ParsedFile]:
    """Like csv_slices; the header is every key of any object, in order of first use, so the
    file is read twice (keys first) rather than held as objects."""
    keys: list[str] = []
    for _, obj, _ in _json_lines(open_text()):
        for key in obj or ():
            if snake_case(key) not in keys:
                keys.append(snake_case(key))
    if not keys:
        raise StructuralError(file, "no JSON objects found (empty file or not JSON lines)")

    def rows() -> Iterator[tuple[int, list | None, tuple | None]]:
        for row, obj, line in _json_lines(open_text()):
            if obj is None:
                yield row, None, ("invalid_json", "line is not a JSON object", line)
                continue
            named = {snake_case(k): v for k, v in obj.items()}
            yield row, [_as_text(named.get(k)) for k in keys], None

    return _slices(keys, rows(), size)


def _as_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _check_delimiter(raw_header: list[str], file: str) -> None:
    if len(raw_header) == 1:
        for name, delimiter in (("semicolon", ";"), ("tab", "\t"), ("pipe", "|")):
            if delimiter in raw_header[0]:
                raise StructuralError(
                    file, f"wrong delimiter: the header is separated by {name}s, not commas",
                    line=1)


def _check_header(header: list[str], file: str) -> None:
    for position, name in enumerate(header, start=1):
        if not name:
            raise StructuralError(file, f"header column {position} has no name", line=1)
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise StructuralError(file, f"duplicate header columns {duplicates} (names are compared "
                              "in snake_case: 'Submission ID' and 'submission_id' are the same)",
                              line=1)


def landing_encoding(data: bytes, file: str) -> str:
    """A landing file's encoding; refuses empty and non-text files."""
    if not data.strip():
        raise StructuralError(file, "file is empty (no header row)")
    sniff(data, file)
    return detect_encoding(data, file)


def parsed_slices(data: bytes, encoding: str, file: str,
                  size: int | None = None) -> Iterator[ParsedFile]:
    """A landing file's bytes (`file` is its landing path) as ParsedFile slices."""
    if file.lower().endswith(".jsonl"):
        return jsonl_slices(lambda: text_stream(data, encoding), file, size)
    return csv_slices(text_stream(data, encoding), file, size)


def read_landing_bytes(data: bytes, file: str) -> ParsedFile:
    """Parse one landing file's bytes whole; `file` (its landing path) names it in every error."""
    encoding = landing_encoding(data, file)
    parsed = next(parsed_slices(data, encoding, file))
    parsed.encoding = encoding
    return parsed
