"""Load landing files into raw tables: one file = one load = one transaction.

Every record of a file ends up either in its raw table or in the matching quarantine table
with a rule and a reason, and the ledger row of the load says how many went where.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from orchestration.ingest.reading import (
    ParsedFile,
    StructuralError,
    read_landing_file,
    sha256_file,
)
from orchestration.ingest.sources import LandingFile
from orchestration.warehouse import Warehouse

LEDGER = "raw.ingest_ledger"
LINEAGE_COLUMNS = ("_load_id", "_site", "_source_file", "_source_row", "_file_sha256", "_loaded_at")
HMIS_LINEAGE = ("_export_dir", "_csv_version")
QUARANTINE_COLUMNS = ("_rule", "_field", "_value", "_reason", "_raw_record")

CSV_VERSIONS = {"2024": "FY2024", "2026": "FY2026"}


@dataclass(frozen=True)
class LoadResult:
    """What one landing file did to the warehouse."""

    file: str
    table: str
    status: str  # loaded | skipped | failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""


def ensure_ledger(wh: Warehouse) -> None:
    wh.execute(
        f"""create table if not exists {LEDGER} (
            load_id varchar, source varchar, site varchar, source_table varchar,
            source_file varchar, file_sha256 varchar, csv_version varchar, encoding varchar,
            rows_read bigint, rows_loaded bigint, rows_quarantined bigint,
            status varchar, message varchar, loaded_at timestamp)"""
    )


def already_loaded(wh: Warehouse, sha256: str, site: str, table: str) -> bool:
    return bool(
        wh.scalar(
            f"select count(*) from {LEDGER} where file_sha256 = ? and site = ?"
            " and source_table = ? and status = 'loaded'",
            [sha256, site, table],
        )
    )


def hmis_csv_version(export_dir: Path, header: list[str], file: str) -> str:
    """FY layout of an HMIS export: Export.csv's CSVVersion, else what the header shows."""
    export_csv = export_dir / "Export.csv"
    if export_csv.is_file():
        with export_csv.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
            row = next(csv.DictReader(fh), None) or {}
        version = (row.get("CSVVersion") or "").strip()
        for year, label in CSV_VERSIONS.items():
            if version.startswith(year) or version.startswith(f"FY{year}"):
                return label
    if "sex" in header:
        return "FY2026"
    if "woman" in header or "gender_none" in header:
        return "FY2024"
    if "implementation_id" in header:
        return "FY2026"
    return "unknown"


def _raw_table(parsed: ParsedFile, lineage: dict[str, object]) -> pa.Table:
    columns: dict[str, list] = {name: [] for name in parsed.header}
    rows: list[int] = []
    for row, values in parsed.records:
        rows.append(row)
        for name, value in zip(parsed.header, values, strict=True):
            columns[name].append(value)
    data: dict[str, pa.Array] = {n: pa.array(v, type=pa.string()) for n, v in columns.items()}
    n = len(rows)
    for name, value in lineage.items():
        data[name] = pa.array([value] * n)
    data["_source_row"] = pa.array(rows, type=pa.int64())
    return pa.table(data)


def _quarantine_table(parsed: ParsedFile, lineage: dict[str, object]) -> pa.Table:
    n = len(parsed.bad)
    data: dict[str, pa.Array] = {name: pa.array([value] * n) for name, value in lineage.items()}
    data["_source_row"] = pa.array([b.row for b in parsed.bad], type=pa.int64())
    data["_rule"] = pa.array([b.rule for b in parsed.bad], type=pa.string())
    data["_field"] = pa.array([None] * n, type=pa.string())
    data["_value"] = pa.array([None] * n, type=pa.string())
    data["_reason"] = pa.array([b.reason for b in parsed.bad], type=pa.string())
    data["_raw_record"] = pa.array([b.raw for b in parsed.bad], type=pa.string())
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


def load_file(wh: Warehouse, lf: LandingFile, loaded_at: datetime) -> LoadResult:
    """Load one landing file unless these exact bytes were already loaded for its table."""
    ensure_ledger(wh)
    sha = sha256_file(lf.path)
    if already_loaded(wh, sha, lf.site, lf.table):
        return LoadResult(lf.relative, lf.table, "skipped")
    load_id = f"{lf.site}/{lf.table}/{sha[:16]}"
    try:
        parsed = read_landing_file(lf.path, lf.relative)
    except StructuralError as exc:
        _record_failure(wh, lf, load_id, sha, loaded_at, str(exc))
        return LoadResult(lf.relative, lf.table, "failed", message=str(exc))

    lineage: dict[str, object] = {
        "_load_id": load_id,
        "_site": lf.site,
        "_source_file": lf.relative,
        "_file_sha256": sha,
        "_loaded_at": loaded_at,
    }
    extra: tuple[str, ...] = LINEAGE_COLUMNS
    csv_version = None
    if lf.kind.name == "hmis":
        csv_version = hmis_csv_version(lf.path.parent, parsed.header, lf.relative)
        lineage |= {"_export_dir": lf.export_dir, "_csv_version": csv_version}
        extra = (*LINEAGE_COLUMNS, *HMIS_LINEAGE)

    with wh.transaction():
        _ensure_table(wh, "raw", lf.table, parsed.header, extra)
        if parsed.records:
            wh.insert_arrow(f"raw.{lf.table}", _raw_table(parsed, lineage))
        if parsed.bad:
            _ensure_table(wh, "quarantine", lf.table, [], (*extra, *QUARANTINE_COLUMNS))
            wh.insert_arrow(f"quarantine.{lf.table}", _quarantine_table(parsed, lineage))
        wh.execute(
            f"insert into {LEDGER} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded', ?, ?)",
            [
                load_id, lf.kind.name, lf.site, lf.table, lf.relative, sha, csv_version,
                parsed.encoding, parsed.rows_read, len(parsed.records), len(parsed.bad),
                f"{len(parsed.bad)} rows quarantined" if parsed.bad else "", loaded_at,
            ],
        )
    return LoadResult(
        lf.relative, lf.table, "loaded", parsed.rows_read, len(parsed.records), len(parsed.bad)
    )


def _record_failure(
    wh: Warehouse, lf: LandingFile, load_id: str, sha: str, loaded_at: datetime, message: str
) -> None:
    with wh.transaction():
        wh.execute(
            f"insert into {LEDGER} values (?, ?, ?, ?, ?, ?, null, null, 0, 0, 0, 'failed', ?, ?)",
            [load_id, lf.kind.name, lf.site, lf.table, lf.relative, sha, message, loaded_at],
        )

