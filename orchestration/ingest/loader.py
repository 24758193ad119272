"""Load drops into raw: one drop = one transaction, every row accounted for.

A drop that cannot be read (a structural error in any of its files, or a table-level contract
failure) loads nothing and fails with a message naming the file, line and field. Otherwise
every record lands in its raw table, or in `quarantine.<table>` with the rule that rejected
it; rule breaches that do not make a row unusable are flagged in `quarantine.flags`. The
ledger row of each file says how many rows went where, and by which rule.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import pyarrow as pa

from orchestration.ingest.contract_results import (
    ensure_results_table,
    import_in_background,
    record_results,
)
from orchestration.ingest.contracts import FLAG, REJECT
from orchestration.ingest.hmis import HmisVersionError, export_facts, fiscal_year
from orchestration.ingest.landing import CUSTOM_TABLE, Drop, DropFile, missing_files
from orchestration.ingest.parsing import (
    StructuralError,
    advice,
    column_name,
)
from orchestration.ingest.staging import LandingFile, Stage, Staged, landing_files
from orchestration.ingest.validation import References, validate
from orchestration.layouts import FY2022_MAPPED, HEADERS
from orchestration.warehouse import Warehouse
from orchestration.warehouse.duck import DuckDBWarehouse
from orchestration.warehouse.sql import quote

LEDGER = "raw.ingest_ledger"
FLAGS = "quarantine.flags"
RUNS = "raw.ingest_runs"
LEDGER_COLUMNS = ("load_id", "drop_id", "source", "site", "source_table", "source_file",
                  "file_sha256", "csv_version", "encoding", "rows_read", "rows_loaded",
                  "rows_quarantined", "rows_flagged", "by_rule", "status", "message",
                  "loaded_at", "remedy")
LINEAGE_COLUMNS = ("_load_id", "_site", "_source_file", "_source_row", "_file_sha256", "_loaded_at")
# Export.csv's date and ID are lineage too: staging reads a two-digit year as one not after
# the export date, and a row's export is the one it came in, whatever ExportID a vendor
# stamped on it.
HMIS_LINEAGE = ("_export_dir", "_csv_version", "_export_date", "_export_id")
QUARANTINE_COLUMNS = ("_rule", "_field", "_value", "_reason", "_raw_record")

# Which file of an export each cross-file rule reads.
REFERENCED_FILES = ("Export.csv", "Organization.csv", "Project.csv", "Client.csv",
                    "Enrollment.csv", "Assessment.csv")
# Rows a custom file is parsed in, and rows moved from staging to the warehouse, at a time.
SLICE_ROWS = 200_000
MOVE_ROWS = 200_000


@dataclass(frozen=True)
class LoadResult:
    """What one file of a drop did to the warehouse."""

    file: str
    table: str | None
    status: str  # loaded | skipped | failed | not_ingested
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_flagged: int = 0
    message: str = ""
    by_rule: dict[str, int] = field(default_factory=dict)
    sha256: str | None = None  # the file's bytes, for a file loaded now or before


def ensure_tables(wh: Warehouse) -> None:
    ensure_results_table(wh)
    wh.execute(f"""create table if not exists {LEDGER} (
        load_id varchar, drop_id varchar, source varchar, site varchar, source_table varchar,
        source_file varchar, file_sha256 varchar, csv_version varchar, encoding varchar,
        rows_read bigint, rows_loaded bigint, rows_quarantined bigint, rows_flagged bigint,
        by_rule varchar, status varchar, message varchar, loaded_at timestamp)""")
    # added after the first release: a warehouse made before them gains the columns
    # (retention, archived_to: what became of a loaded file in the landing folder, see
    # ingest/retention.py)
    wh.add_columns(LEDGER, {"remedy": "varchar", "retention": "varchar",
                            "archived_to": "varchar"})
    wh.execute(f"create table if not exists {RUNS} (source varchar, started_at timestamp)")
    wh.execute(f"""create table if not exists {FLAGS} (
        _load_id varchar, _site varchar, _source_file varchar, _source_row bigint,
        source_table varchar, rule varchar, field varchar, value varchar, reason varchar,
        _loaded_at timestamp)""")


def record_run(wh: Warehouse, source: str, started_at: datetime) -> None:
    """Say that an ingest of `source` ran: a failure is current while the latest run of its
    source recorded it (a drop fixed or taken away stops being reported)."""
    with wh.transaction():
        wh.execute(f"insert into {RUNS} values (?, ?)", [source, started_at])


def _already_loaded(wh: Warehouse, sha256: str, site: str, table: str) -> bool:
    return bool(wh.scalar(
        f"select count(*) from {LEDGER} where file_sha256 = ? and site = ?"
        " and source_table = ? and status = 'loaded'", [sha256, site, table]))


@dataclass
class _Counts:
    """Where a file's rows went."""

    read: int = 0
    quarantined: int = 0
    flagged: int = 0
    by_rule: Counter = field(default_factory=Counter)


def _attempt_id(load_id: str, loaded_at: datetime) -> str:
    """A load's id names its bytes; any other attempt (failed, missing, not ingested) happens
    again at every run until the drop changes, so its id names the run too."""
    return f"{load_id}@{loaded_at:%Y%m%dT%H%M%S}"


def _ledger_row(drop: Drop, f: LandingFile | DropFile, load_id: str, status: str,
                message: str, loaded_at: datetime, csv_version: str | None = None,
                counts: _Counts | None = None) -> dict[str, object]:
    """One ledger row by column; any status but loaded gets the id of an attempt."""
    if status != "loaded":
        load_id = _attempt_id(load_id, loaded_at)
    source = f.source if isinstance(f, LandingFile) else f
    sha = f.sha if isinstance(f, LandingFile) else None
    encoding = f.encoding if isinstance(f, LandingFile) and counts is not None else None
    counts = counts or _Counts()
    return {"load_id": load_id, "drop_id": drop.relative, "source": drop.kind.name,
            "site": drop.site, "source_table": source.table, "source_file": source.relative,
            "file_sha256": sha, "csv_version": csv_version, "encoding": encoding,
            "rows_read": counts.read, "rows_loaded": counts.read - counts.quarantined,
            "rows_quarantined": counts.quarantined, "rows_flagged": counts.flagged,
            "by_rule": json.dumps(dict(sorted(counts.by_rule.items()))), "status": status,
            "message": message, "loaded_at": loaded_at,
            "remedy": advice(message) if status == "failed" else None}


def _record(wh: Warehouse, rows: list[dict[str, object]]) -> None:
    """Append ledger rows (`_ledger_row`'s; a column left out is null)."""
    if rows:
        wh.executemany(f"insert into {LEDGER} ({', '.join(LEDGER_COLUMNS)})"
                       f" values ({', '.join('?' for _ in LEDGER_COLUMNS)})",
                       [[row.get(column) for column in LEDGER_COLUMNS] for row in rows])


@dataclass(frozen=True)
class _Layout:
    """What a drop's layout says: its FY label, the date nothing in it may pass (the export
    date, else the load date), the HUD files and columns of that year it lacks, and each
    file's header (read once, here)."""

    csv_version: str | None
    as_of: date
    export_id: str | None = None
    absent: frozenset[str] = frozenset()
    gaps: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, list[str]] = field(default_factory=dict)


def _layout_note(name: str, layout: _Layout) -> str:
    """What the ledger says of a loaded HMIS file's columns: those of its layout it lacks, and
    for FY2022 those kept in raw that no FY2024 column takes."""
    notes = []
    if gaps := layout.gaps.get(name):
        notes.append(f"columns of the {layout.csv_version} layout missing from the file: "
                     f"{', '.join(gaps)}")
    if layout.csv_version == "FY2022":
        fy2024 = {column_name(c) for c in HEADERS[2024].get(name, ())}
        kept = [c for c in layout.headers[name]
                if c not in fy2024 and c not in FY2022_MAPPED.get(name, ())]
        if kept:
            notes.append(f"FY2022 columns with no FY2024 counterpart, kept in raw only: "
                         f"{', '.join(kept)}")
    return "; ".join(notes)


def _hud_layout(drop: Drop, files: dict[str, LandingFile], loaded_at: datetime) -> _Layout:
    if drop.kind.name != "hmis":
        return _Layout(None, loaded_at.date())
    # the whole Export.csv (one row); of the other files the header is enough here
    heads = {n: next(f.slices(None)) if n == "Export.csv" else f.first()
             for n, f in files.items()}
    csv_version, gaps = fiscal_year(drop, heads)
    facts = export_facts(heads.get("Export.csv"), drop.relative)
    return _Layout(csv_version, facts.export_date or loaded_at.date(), facts.export_id,
                   missing_files(csv_version, files), gaps,
                   {n: parsed.header for n, parsed in heads.items()})


def load_drop(wh: Warehouse, drop: Drop, loaded_at: datetime,
              memory_limit: str | None = None) -> list[LoadResult]:
    """Load one drop unless every file of it was loaded before (same bytes, same table);
    `memory_limit` bounds its staging area (DuckDB's setting, e.g. "4GB")."""
    ensure_tables(wh)
    drop_id = f"{drop.kind.name}/{drop.site}/{drop.name}"
    if drop.error:
        with wh.transaction():
            _record(wh, [{
                "load_id": _attempt_id(f"{drop_id}/failed", loaded_at),
                "drop_id": drop.relative, "source": drop.kind.name, "site": drop.site,
                "source_file": drop.relative, "rows_read": 0, "rows_loaded": 0,
                "rows_quarantined": 0, "rows_flagged": 0, "by_rule": "{}", "status": "failed",
                "message": drop.error, "loaded_at": loaded_at, "remedy": advice(drop.error)}])
        return [LoadResult(drop.relative, None, "failed", message=drop.error)]

    unknown = [f for f in drop.files if f.table is None]
    landing = landing_files([source for source in drop.files if source.table is not None])
    files = {f.source.name: f for f in landing if f.table != CUSTOM_TABLE}
    custom = [f for f in landing if f.table == CUSTOM_TABLE]
    new = {n: f for n, f in files.items() if not _already_loaded(wh, f.sha, drop.site, f.table)}
    new_custom = [f for f in custom if not _already_loaded(wh, f.sha, drop.site, f.table)]
    if not new and not new_custom:
        return [LoadResult(f.source.relative, f.table, "skipped", sha256=f.sha)
                for f in (*files.values(), *custom)]

    csv_version = None
    results: list[LoadResult] = []
    ledger: list[dict[str, object]] = []
    import_in_background()
    stage = Stage(wh.con if isinstance(wh, DuckDBWarehouse) else None, memory_limit)
    try:
        for f in files.values():
            f.check_encoding()
        layout = _hud_layout(drop, files, loaded_at)
        csv_version, as_of, absent = layout.csv_version, layout.as_of, layout.absent
        staged = {name: stage.stage(f, layout.headers.get(name))
                  for name, f in files.items() if name in new or name in REFERENCED_FILES}
        refs = References({n: staged[n] for n in REFERENCED_FILES if n in staged}, as_of,
                          absent, csv_version)
        with wh.transaction():
            for f in new.values():
                load_id = f"{drop_id}/{f.table}/{f.sha[:16]}"
                lineage: dict[str, object] = {"_load_id": load_id, "_site": drop.site,
                                              "_source_file": f.source.relative,
                                              "_file_sha256": f.sha, "_loaded_at": loaded_at}
                extra: tuple[str, ...] = LINEAGE_COLUMNS
                if drop.kind.name == "hmis":
                    lineage |= {"_export_dir": drop.name, "_csv_version": csv_version,
                                "_export_date": as_of.isoformat(),
                                "_export_id": layout.export_id}
                    extra = (*LINEAGE_COLUMNS, *HMIS_LINEAGE)
                counts = _load_file(wh, stage, f, staged[f.source.name], refs, lineage, extra)
                if f.source.name not in REFERENCED_FILES:
                    stage.drop(staged[f.source.name])
                note = _layout_note(f.source.name, layout) if layout.csv_version else ""
                ledger.append(_ledger_row(drop, f, load_id, "loaded", note, loaded_at,
                                          csv_version, counts))
                results.append(LoadResult(
                    f.source.relative, f.table, "loaded", counts.read,
                    counts.read - counts.quarantined, counts.quarantined, counts.flagged, note,
                    dict(sorted(counts.by_rule.items())), f.sha))
            for f in new_custom:
                row, result = _load_custom(wh, drop, f, drop_id, loaded_at, csv_version)
                ledger.append(row)
                results.append(result)
            if new:  # said once per export, with its first load
                for name in sorted(absent):
                    message = (f"{name} is missing from the export: the {csv_version} HUD "
                               "specification has it (references into it are flagged)")
                    absent_file = DropFile(name, f"{drop.relative}/{name}", None, bytes)
                    ledger.append(_ledger_row(drop, absent_file, f"{drop_id}/{name}",
                                              "missing", message, loaded_at, csv_version))
                    results.append(LoadResult(f"{drop.relative}/{name}", None, "missing",
                                              message=message))
            for source in unknown:
                message = (f"{source.name} is not a CSV file of the HUD specification; kept in "
                           "the landing folder, not ingested")
                ledger.append(_ledger_row(drop, source, f"{drop_id}/{source.name}",
                                          "not_ingested", message, loaded_at, csv_version))
                results.append(LoadResult(source.relative, None, "not_ingested",
                                          message=message))
            _record(wh, ledger)
    except (StructuralError, HmisVersionError) as exc:
        message = str(exc)
        rows = [_ledger_row(drop, f, f"{drop_id}/{f.table}/{f.sha[:16]}", "failed",
                            message if message.startswith(f.source.relative)
                            else f"not loaded: {message}", loaded_at)
                for f in (*new.values(), *new_custom)]
        with wh.transaction():
            _record(wh, rows)
        return [LoadResult(f.source.relative, f.table, "failed", message=message)
                for f in (*new.values(), *new_custom)]
    finally:
        stage.close()
    loaded = {id(f) for f in (*new.values(), *new_custom)}
    results += [LoadResult(f.source.relative, f.table, "skipped", sha256=f.sha)
                for f in (*files.values(), *custom) if id(f) not in loaded]
    return results


def _load_custom(wh: Warehouse, drop: Drop, f: LandingFile, drop_id: str, loaded_at: datetime,
                 csv_version: str | None) -> tuple[dict[str, object], LoadResult]:
    """A vendor's own file beside the HUD files: every row kept whole in raw as JSON, never
    checked against a contract; a custom file that cannot be read is recorded, not fatal."""
    load_id = f"{drop_id}/{f.table}/{f.sha[:16]}"
    try:
        f.check_encoding()
        slices = list(f.slices(SLICE_ROWS))
    except StructuralError as exc:
        message = f"not in the HUD spec and not readable, so not ingested: {exc}"
        return (_ledger_row(drop, f, load_id, "not_ingested", message, loaded_at, csv_version),
                LoadResult(f.source.relative, f.table, "not_ingested", message=message))
    counts = _Counts()
    lineage = {"_load_id": load_id, "_site": drop.site, "_source_file": f.source.relative,
               "_file_sha256": f.sha, "_loaded_at": loaded_at, "_export_dir": drop.name}
    _ensure_table(wh, "raw", CUSTOM_TABLE, ["file_name", "record"], (*LINEAGE_COLUMNS,
                                                                      "_export_dir"))
    for parsed in slices:
        records = [(row, [f.source.name, json.dumps(dict(zip(parsed.header, values,
                                                             strict=True)), ensure_ascii=False)])
                   for row, values in parsed.records]
        records += [(b.row, [f.source.name, json.dumps({"_unparsed": b.raw},
                                                       ensure_ascii=False)]) for b in parsed.bad]
        if records:
            wh.insert_arrow(f"raw.{CUSTOM_TABLE}", _table(["file_name", "record"], records,
                                                           lineage))
        counts.read += len(records)
    message = "not in the HUD spec: kept whole in raw.hmis_custom_rows"
    row = _ledger_row(drop, f, load_id, "loaded", message, loaded_at, csv_version, counts)
    return row, LoadResult(f.source.relative, f.table, "loaded", counts.read, counts.read,
                           message=message, sha256=f.sha)


def _load_file(wh: Warehouse, stage: Stage, f: LandingFile, staged: Staged, refs: References,
               lineage: dict[str, object], extra: tuple[str, ...]) -> _Counts:
    """Check a staged file and move its rows to raw, quarantine and flags (inside the drop's
    transaction); a table-level contract failure fails the whole drop."""
    verdict = validate(stage, staged, f.table, refs)
    if verdict.table_errors:
        raise StructuralError(f.source.relative, "; ".join(verdict.table_errors), line=1)
    rejected = stage.name("rejected")
    stage.con.execute(
        f"create temp table {rejected} as select _source_row, "
        "arg_min(rule, position) as _rule, arg_min(field, position) as _field, "
        "arg_min(value, position) as _value, "
        "string_agg(reason, '; ' order by position) as _reason "
        f"from {verdict.issues} where severity = '{REJECT}' group by _source_row")
    rejections = dict(stage.con.execute(
        f"select _rule, count(*) from {rejected} group by 1").fetchall())
    _ensure_table(wh, "raw", f.table, staged.header, extra)
    columns = ", ".join(f"s.{quote(c)}" for c in staged.header)
    constants = ", ".join(f"${name[1:]}::{'timestamp' if name == '_loaded_at' else 'varchar'} "
                          f"as {name}" for name in lineage)
    params = {name[1:]: value for name, value in lineage.items()}
    kept = f" anti join {rejected} r using (_source_row)" if rejections else ""
    _move(wh, f"raw.{f.table}", stage, f"select {columns}, {constants}, s._source_row "
          f"from {staged.table} s{kept}", params)
    why = ("_rule", "_field", "_value", "_reason")
    quarantined = stage.con.sql(
        f"select s.*, {', '.join(f'r.{c} as _why{c}' for c in why)} from {staged.table} s "
        f"join {rejected} r using (_source_row) order by s._source_row").to_arrow_table(
    ).to_pylist() if rejections else []
    if quarantined or staged.bad:
        _ensure_table(wh, "quarantine", f.table, staged.header, (*extra, *QUARANTINE_COLUMNS))
        if quarantined:
            records = [(row["_source_row"], [row[c] for c in staged.header])
                       for row in quarantined]
            wh.insert_arrow(f"quarantine.{f.table}", _table(
                staged.header, records, lineage, {
                    **{c: [row[f"_why{c}"] for row in quarantined] for c in why},
                    "_raw_record": [json.dumps(values, ensure_ascii=False)
                                    for _, values in records]}))
        if staged.bad:
            bad = staged.bad
            wh.insert_arrow(f"quarantine.{f.table}", _table([], [(b.row, []) for b in bad],
                                                            lineage, {
                "_rule": [b.rule for b in bad], "_field": [None] * len(bad),
                "_value": [None] * len(bad), "_reason": [b.reason for b in bad],
                "_raw_record": [b.raw for b in bad]}))
    _move(wh, FLAGS, stage, "select $load_id as _load_id, $site as _site, "
          "$source_file as _source_file, _source_row, $table as source_table, rule, field, "
          f"value, reason, $loaded_at::timestamp as _loaded_at from {verdict.issues} "
          f"where severity = '{FLAG}'",
          {"load_id": lineage["_load_id"], "site": lineage["_site"],
           "source_file": lineage["_source_file"], "table": f.table,
           "loaded_at": lineage["_loaded_at"]})
    record_results(wh, stage, staged, verdict, refs, lineage, f.table)
    counts = _Counts(read=staged.rows_read)
    flags = dict(stage.con.execute(f"select rule, count(*) from {verdict.issues} "
                                   f"where severity = '{FLAG}' group by 1").fetchall())
    counts.by_rule.update(b.rule for b in staged.bad)
    counts.by_rule.update(rejections)
    counts.by_rule.update(flags)
    counts.quarantined = len(staged.bad) + len(quarantined)
    counts.flagged = sum(flags.values())
    stage.con.execute(f"drop table {rejected}; drop table {verdict.issues}")
    return counts


def _move(wh: Warehouse, target: str, stage: Stage, sql: str, params: dict) -> None:
    """Rows from the staging area to a warehouse table (elsewhere as Arrow batches)."""
    if stage.shared:  # the staging area is in the warehouse: no rows leave DuckDB
        # each row carries its ordinal, so raw need not keep the file's order (7% faster)
        stage.con.execute("set preserve_insertion_order = false")
        try:
            wh.execute(f"insert into {target} by name {sql}", params)
        finally:
            stage.con.execute("set preserve_insertion_order = true")
        return
    reader = stage.con.sql(sql, params=params).to_arrow_reader(MOVE_ROWS)
    for batch in reader:
        if batch.num_rows:
            wh.insert_arrow(target, pa.Table.from_batches([batch]))


def _table(header: list[str], records: list[tuple[int, list]], lineage: dict[str, object],
           extra: dict[str, list] | None = None) -> pa.Table:
    columns = list(zip(*(values for _, values in records), strict=True)) if header else []
    data: dict[str, pa.Array] = {
        name: pa.array(list(col) if columns else [], type=pa.string())
        for name, col in zip(header, columns or [[]] * len(header), strict=True)
    }
    n = len(records)
    for name, value in lineage.items():
        data[name] = pa.array([value] * n)
    data["_source_row"] = pa.array([row for row, _ in records], type=pa.int64())
    for name, values in (extra or {}).items():
        data[name] = pa.array(values, type=pa.string())
    return pa.table(data)


def _ensure_table(wh: Warehouse, schema: str, table: str, columns: list[str], extra: tuple) -> None:
    """Create the table, or add the columns a newer file brings (text, null for old rows)."""
    wanted = [*columns, *extra]
    if not wh.table_exists(schema, table):
        cols = ", ".join(
            f'"{c}" bigint' if c == "_source_row" else
            f'"{c}" timestamp' if c == "_loaded_at" else f'"{c}" varchar'
            for c in wanted
        )
        wh.execute(f"create table {schema}.{table} ({cols})")
        return
    existing = set(wh.columns(schema, table))
    for column in wanted:
        if column not in existing:
            wh.execute(f'alter table {schema}.{table} add column "{column}" varchar')
