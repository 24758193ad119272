"""Landing files into a DuckDB staging area, read by DuckDB's own readers.

Every value is staged as text exactly as written (blank is null), beside `_source_row`, the
record's ordinal in the file (blank lines not counted). A drop's files are staged once, in
temporary tables of the DuckDB warehouse's connection (or of an in-process DuckDB for another
warehouse), and checked there (`validation.py`); only then do rows move to raw.

DuckDB reads UTF-8 files in place. A Windows-1252 or UTF-16 file is first transcoded to a
UTF-8 copy, a chunk at a time. When DuckDB rejects any line of a file (a record with too many
or too few fields, a quote left open), cannot read it, or would read it more leniently than
the CSV and JSON standards, the file is read by the record-exact Python reader (`parsing.py`),
so each bad record is quarantined whole under the ordinal and reason it always had.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from itertools import count
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.ingest.landing import DropFile
from orchestration.ingest.parsing import (
    BadRecord,
    ParsedFile,
    StructuralError,
    landing_encoding,
    parsed_slices,
    sha256_bytes,
    snake_case,
    sniff,
)
from orchestration.warehouse.duck import set_memory_limit
from orchestration.warehouse.sql import quote

_UTF8 = ("utf-8", "utf-8-sig")
_CHUNK = 16 * 2**20
_HEAD = 2**20  # bytes read for a file's header
_TAIL = 256  # bytes of a chunk looked at again with the next
# Rows handed from the Python reader to DuckDB at a time.
PARSED_ROWS = 200_000


@dataclass
class Staged:
    """One file in the staging area: its table there, its header and its unreadable records."""

    table: str
    header: list[str]
    rows: int  # records staged (readable ones)
    bad: list[BadRecord] = field(default_factory=list)
    rows_table: str | None = None  # the table behind `table` when that is a view

    @property
    def rows_read(self) -> int:
        return self.rows + len(self.bad)


@dataclass
class LandingFile:
    """A drop file on its way in: its fingerprint and encoding, read from disk a chunk at a
    time where it has a path, so its bytes are held only when a reader needs them whole (the
    Python reader, a transcoding, a zip's member). Every file is fingerprinted on every run
    (to find what is new); only the files of a drop with new ones are read further."""

    source: DropFile
    sha: str = field(init=False)
    encoding: str | None = None
    # False while the file is taken for UTF-8 on its first MiB: DuckDB's readers check the
    # rest as they read it (a line that is not UTF-8 is rejected), and a file DuckDB refuses
    # has its encoding checked whole (`check_encoding(whole=True)`) before it is read again.
    encoding_checked: bool = field(init=False, default=False)
    _head: bytes | None = field(init=False, default=None, repr=False)  # plain UTF-8's start
    lenient: bool = field(init=False, default=False)  # DuckDB would read it too leniently

    def __post_init__(self) -> None:
        if self.source.path is None:
            self.sha = sha256_bytes(self.data)
            return
        digest = hashlib.sha256()
        with self.source.path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
        self.sha = digest.hexdigest()

    def _plain_utf8(self, whole: bool) -> bytes | None:
        """The file's first bytes when it is what `reading.landing_encoding` would call
        UTF-8 (not blank, no UTF-16 mark; valid UTF-8 in its first MiB, or throughout when
        `whole`), read from disk a chunk at a time (noting whether DuckDB would read it more
        leniently than the Python reader); else None (the bytes are then read whole, so an
        error can name the line and byte)."""
        if self.source.path is None:
            return None
        decoder, head, blank, tail = codecs.getincrementaldecoder("utf-8")(), b"", True, b""
        try:
            with self.source.path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    if not head:
                        head = chunk[:_HEAD]
                        decoder.decode(chunk if whole else head,
                                       final=not whole and len(chunk) <= _HEAD)
                    elif whole:
                        decoder.decode(chunk)
                    blank = blank and not chunk.strip()
                    self.lenient = self.lenient or _lenient(tail + chunk, self.json_lines)
                    tail = chunk[-_TAIL:]
            if whole:
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
        return None if blank or head.startswith((b"\xff\xfe", b"\xfe\xff")) else head

    @property
    def json_lines(self) -> bool:
        return self.source.relative.lower().endswith(".jsonl")

    @cached_property
    def data(self) -> bytes:
        return self.source.read()

    @property
    def table(self) -> str:
        assert self.source.table is not None
        return self.source.table

    def check_encoding(self, whole: bool = False) -> None:
        """The encoding (`reading.landing_encoding`), checked only for a drop with new files:
        UTF-8 on the strength of its first MiB unless `whole` (see `encoding_checked`)."""
        self.lenient = False
        self._head = self._plain_utf8(whole)
        if self._head is not None:
            sniff(self._head, self.source.relative)
            self.encoding = "utf-8-sig"  # UTF-8, with or without a byte-order mark
            self.encoding_checked = whole
            return
        self.encoding = landing_encoding(self.data, self.source.relative)
        self.encoding_checked = True
        view = memoryview(self.data)
        self.lenient = any(_lenient(bytes(view[max(0, at - _TAIL):at + _CHUNK]),
                                    self.json_lines)
                           for at in range(0, len(self.data), _CHUNK))

    def slices(self, size: int | None) -> Iterator[ParsedFile]:
        """The records `size` at a time (None: all at once), by the Python reader."""
        assert self.encoding is not None, "check_encoding() first"
        return parsed_slices(self.data, self.encoding, self.source.relative, size)

    def first(self) -> ParsedFile:
        """The header and first record of a CSV file, from its first lines if they hold
        them whole."""
        assert self.encoding is not None, "check_encoding() first"
        if self._head is not None and (cut := self._head.rfind(b"\n") + 1):
            try:
                return next(parsed_slices(self._head[:cut], self.encoding,
                                          self.source.relative, 1))
            except StructuralError:
                pass  # the first record runs past them: read on
        return next(self.slices(1))


def landing_files(sources: list[DropFile]) -> list[LandingFile]:
    """The files fingerprinted side by side (hashing lets go of Python's lock), in order."""
    with ThreadPoolExecutor(min(len(sources), os.cpu_count() or 1) or 1) as pool:
        return list(pool.map(LandingFile, sources))


_TRAILING_COMMA = re.compile(rb",[ \t\r\n]*[}\]]")


def _lenient(chunk: bytes, json_lines: bool) -> bool:
    """Whether DuckDB would read these bytes where the Python reader (and the CSV and JSON
    standards) would not: a JSON object or array with a trailing comma; a CSV quote with
    spaces between it and its field's edge (`"Ana" ,` and `, "Ana"`: DuckDB drops the
    spaces, Python keeps ` "Ana"` as written or refuses the record). Over-cautious at a
    chunk's start: that only sends a file to the Python reader."""
    if json_lines:
        return _TRAILING_COMMA.search(chunk) is not None
    if b'"' not in chunk:
        return False
    for needle in (b' "', b'\t"'):  # spaces, then an opening quote (not an escaped one)
        at = chunk.find(needle)
        while at != -1:
            start = at
            while start > 0 and chunk[start - 1] in b" \t":
                start -= 1
            if (start == 0 or chunk[start - 1:start] in (b",", b"\n", b"\r")) and \
                    chunk[at + 2:at + 3] != b'"':
                return True
            at = chunk.find(needle, at + 1)
    for needle in (b'" ', b'"\t'):  # a closing quote (not an escaped one), then spaces
        at = chunk.find(needle)
        while at != -1:
            after = chunk[at + 1:at + 1 + _TAIL].lstrip(b" \t")[:1]
            if chunk[at - 1:at] != b'"' and after in (b"", b",", b"\n", b"\r", b'"'):
                return True
            at = chunk.find(needle, at + 1)
    return False


class Stage:
    """One drop's staging area: temporary tables in the DuckDB warehouse's own connection
    (rows then move to raw in SQL), or for another warehouse an in-memory DuckDB that spills
    to a temporary folder past `memory_limit`; gone when the drop is loaded."""

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None,
                 memory_limit: str | None = None) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="caseintel-stage-")
        self.shared = con is not None  # the warehouse's connection: tables are dropped
        self.con = con if con is not None else duckdb.connect()
        self.con.execute("set preserve_insertion_order = true")  # ordinals are read order
        if not self.shared:
            self.con.execute("set enable_progress_bar = false")
            self.con.execute(f"set temp_directory = '{self._dir.name}'")
            if memory_limit:
                set_memory_limit(self.con, memory_limit)
        self._numbers = count(1)
        self._tables: list[str] = []
        self._views: set[str] = set()

    def name(self, kind: str) -> str:
        """A new table's name in the staging area."""
        self._tables.append(f"{kind}_{next(self._numbers)}")
        return self._tables[-1]

    def close(self) -> None:
        if self.shared:
            for name in self._tables:
                self._drop(name)
        else:
            self.con.close()
        self._dir.cleanup()

    def _drop(self, name: str) -> None:
        kind = "view" if name in self._views else "table"
        self.con.execute(f"drop {kind} if exists temp.main.{name}")

    def drop(self, staged: Staged) -> None:
        """Let go of a staged file."""
        self._drop(staged.table)
        if staged.rows_table:
            self._drop(staged.rows_table)

    def stage(self, f: LandingFile, header: list[str] | None = None) -> Staged:
        """Stage a file whose encoding was checked; `header`, when known, is its parsed
        header (a CSV file's is read here otherwise)."""
        assert f.encoding is not None, "check_encoding() first"
        table = self.name("stage")
        if not f.json_lines and header is None:  # a bad header fails the drop, naming the file
            header = f.first().header
        staged = None if f.lenient else self._read(table, f, header or [])
        if staged is None and not f.encoding_checked:  # not UTF-8 after its first MiB?
            encoding = f.encoding
            f.check_encoding(whole=True)
            if f.encoding != encoding and not f.lenient:  # its header, read in its encoding
                staged = self._read(table, f, [] if f.json_lines else f.first().header)
        return staged if staged is not None else self._stage_parsed(table, f)

    def _read(self, table: str, f: LandingFile, header: list[str]) -> Staged | None:
        """The file read by DuckDB (a UTF-8 copy of one in another encoding), or None when
        DuckDB refused any of it."""
        path = f.source.path
        source = path if path is not None and f.encoding in _UTF8 else self._utf8_copy(
            table, f.data, f.encoding)
        try:
            return (self._read_json_lines(table, source) if f.json_lines
                    else self._read_csv(table, source, header))
        except duckdb.Error:  # what DuckDB cannot read, the Python reader reads or explains
            self._drop(table)
            return None
        finally:
            if source != path:
                source.unlink()

    def _read_csv(self, table: str, source: Path, header: list[str]) -> Staged | None:
        """The file read by DuckDB, or None when it rejected any line."""
        rejects, rows = self.name("rejects"), self.name("rows")
        try:
            self.con.execute(
                f"create temp table {rows} as select * from read_csv($path, "
                "columns = $columns, header = true, auto_detect = false, delim = ',', "
                "quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
                f"store_rejects = true, rejects_table = '{rejects}', "
                f"rejects_scan = '{rejects}_scan')",
                {"path": str(source), "columns": {name: "VARCHAR" for name in header}})
            if self.con.execute(f"select count(*) from {rejects}").fetchone()[0]:
                self._drop(rows)
                return None
        finally:
            self.con.execute(f"drop table if exists {rejects}; "
                             f"drop table if exists {rejects}_scan")
        self._number(rows, table)
        return Staged(table, header, self._count(table), rows_table=rows)

    def _number(self, rows: str, table: str) -> None:
        """`table`: a view of the rows with their ordinals. A table made by one statement
        keeps the order rows were read in (DuckDB preserves insertion order, parallel reads
        included), and its `rowid` is that order: no window over the whole file, which
        would read it on one thread."""
        self.con.execute(f"create temp view {table} as select rowid + 1 as _source_row, * "
                         f"from {rows}")
        self._views.add(table)

    def _read_json_lines(self, table: str, source: Path) -> Staged | None:
        """The file read by DuckDB when every non-blank line is one JSON object whose values
        are text, true/false, whole numbers or null; else None (the Python reader's answers
        for the rest, such as a float written `1e3`, are its own)."""
        lines = _nonblank_lines(source)
        objects, rows = self.name("objects"), self.name("rows")
        try:
            self.con.execute(
                f"create temp table {objects} as select json from read_json($path, "
                "format = 'newline_delimited', records = false, columns = {json: 'JSON'})",
                {"path": str(source)})
            # keys in order of first appearance: each distinct list of keys, by its first row
            listed = self.con.execute(
                "select json_keys(json), count(*) filter (json_type(json) <> 'OBJECT') "
                f"from {objects} group by 1 order by min(rowid)").fetchall()
            if self._count(objects) != lines or any(others for _, others in listed):
                return None
            keys = list(dict.fromkeys(k for names, _ in listed for k in names))
            header = [snake_case(k) for k in keys]
            if not keys or len(set(header)) < len(header):
                return None
            self._drop(objects)
            # read again, one JSON value per key (cheaper than a path into each whole object),
            # as text; any other value stops the read, and the Python reader reads the file
            values = [quote(k) for k in keys]
            refused = "error('a JSON value that is not text, a whole number, true/false or null')"
            texts = ", ".join(
                f"case json_type({v}) when 'VARCHAR' then nullif({v} ->> '$', '') "
                f"when 'BOOLEAN' then if({v}::boolean, 'True', 'False') when 'NULL' then null "
                f"when 'DOUBLE' then {refused} when 'OBJECT' then {refused} "
                f"when 'ARRAY' then {refused} else {v} ->> '$' end as {quote(name)}"
                for v, name in zip(values, header, strict=True))
            self.con.execute(
                f"create temp table {rows} as select {texts} from read_json($path, "
                "format = 'newline_delimited', records = true, columns = $columns)",
                {"path": str(source), "columns": {k: "JSON" for k in keys}})
        except duckdb.Error:
            self._drop(rows)
            raise
        finally:
            self._drop(objects)
        self._number(rows, table)
        return Staged(table, header, self._count(table), rows_table=rows)

    def _count(self, table: str) -> int:
        return self.con.execute(f"select count(*) from {table}").fetchone()[0]

    def _utf8_copy(self, table: str, data: bytes, encoding: str) -> Path:
        """The bytes as UTF-8 in the staging folder, transcoded a chunk at a time."""
        target = Path(self._dir.name) / f"{table}.csv"
        decoder = codecs.getincrementaldecoder(encoding)()
        view = memoryview(data)
        with target.open("wb") as out:
            for start in range(0, len(data), _CHUNK):
                out.write(decoder.decode(view[start:start + _CHUNK],
                                         final=start + _CHUNK >= len(data)).encode("utf-8"))
        return target

    def _stage_parsed(self, table: str, f: LandingFile) -> Staged:
        """Stage a file as the Python reader parses it, keeping its unreadable records."""
        staged: Staged | None = None
        for parsed in f.slices(PARSED_ROWS):
            if staged is None:
                staged = Staged(table, parsed.header, 0)
                columns = ", ".join(f"{quote(c)} varchar" for c in parsed.header)
                self.con.execute(f"create temp table {table} (_source_row bigint, {columns})")
            staged.bad += parsed.bad
            staged.rows += len(parsed.records)
            if parsed.records:
                self._append(table, parsed)
        assert staged is not None, "parsed_slices yields at least one slice"
        return staged

    def _append(self, table: str, parsed: ParsedFile) -> None:
        columns = list(zip(*(values for _, values in parsed.records), strict=True))
        batch = pa.table({"_source_row": pa.array([row for row, _ in parsed.records], pa.int64()),
                          **{f"c{i}": pa.array(column, pa.string())
                             for i, column in enumerate(columns)}})
        self.con.register("_parsed", batch)
        try:
            self.con.execute(f"insert into {table} select * from _parsed")
        finally:
            self.con.unregister("_parsed")


def _nonblank_lines(path: Path) -> int:
    """Lines with something but whitespace on them, counted a chunk at a time."""
    count, rest = 0, b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            lines = (rest + chunk).splitlines(keepends=True)
            rest = lines.pop() if lines and not lines[-1].endswith((b"\n", b"\r")) else b""
            count += sum(1 for line in lines if line.strip())
    return count + bool(rest.strip())
