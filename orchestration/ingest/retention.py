"""What becomes of a drop in the landing folder once it is in the warehouse
(`CASEINTEL_LANDING_RETENTION`): kept where it is (the default), moved to the archive folder
(`CASEINTEL_LANDING_ARCHIVE`), or deleted.

A drop leaves the landing folder only when every file of it is in the warehouse, committed and
in the ledger (loaded by this run or an earlier one): none failed, none was left out (a file
that is not CSV, a custom file that could not be read) and none had every row quarantined.
Anything else stays for a person to fix: it is the agency's evidence. A later run loads
nothing again, since the ledger keeps each loaded file's SHA-256, whether or not the file is
still there. The ledger rows of a drop's files say where they went (`retention`,
`archived_to`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from orchestration.ingest.landing import Drop
from orchestration.ingest.loader import LEDGER, LoadResult
from orchestration.settings import Settings
from orchestration.warehouse import Warehouse

IN_WAREHOUSE = ("loaded", "skipped")  # skipped: the same bytes were loaded before


@dataclass(frozen=True)
class Disposition:
    """What was done with one drop: kept, archived or deleted, and why a drop stayed."""

    drop: str  # its path relative to the landing folder
    action: str  # kept | archived | deleted
    archived_to: Path | None = None
    reason: str = ""  # why a drop the retention would move stays

    def describe(self) -> str:
        if self.action == "archived":
            return f"{self.drop}: archived to {self.archived_to}"
        if self.action == "deleted":
            return f"{self.drop}: deleted from the landing folder"
        return f"{self.drop}: kept in the landing folder" + (f" ({self.reason})"
                                                             if self.reason else "")


def _why_it_stays(wh: Warehouse, drop: Drop, results: list[LoadResult]) -> str:
    """Why the drop may not leave the landing folder; empty when all of it is in raw."""
    failed = [r.message for r in results if r.status == "failed"]
    if drop.error or failed:
        return f"it did not load: {drop.error or failed[0]}"
    left_out = [f.relative for f in drop.files if f.table is None]
    left_out += [r.file for r in results if r.status == "not_ingested"]
    if left_out:
        return f"not in the warehouse: {', '.join(sorted(set(left_out)))}"
    kept = [r for r in results if r.status in IN_WAREHOUSE]
    if not kept or any(r.sha256 is None for r in kept) or any(
            r.status not in (*IN_WAREHOUSE, "missing") for r in results):
        return "not all of it is in the warehouse"
    for r in kept:
        row = wh.execute(f"select rows_read, rows_loaded from {LEDGER} where file_sha256 = ?"
                         " and site = ? and source_table = ? and status = 'loaded'"
                         " order by loaded_at limit 1",
                         [r.sha256, drop.site, r.table]).fetchone()
        if row is None:
            return f"{r.file} is not in the ledger"
        if row[0] and not row[1]:
            return f"every row of {r.file} was quarantined"
    return ""


def _archive_path(archive_dir: Path, relative: str, at: datetime, is_dir: bool) -> Path:
    """The drop's path under the archive folder, stamped with the run so that two drops of
    one name never meet: hmis/north/export@20261101T060000, intake/north/f@20261101T060000.csv"""
    path = Path(relative)
    stem, suffix = (path.name, "") if is_dir else (path.stem, path.suffix)
    stamped = f"{stem}@{at:%Y%m%dT%H%M%S}"
    target = archive_dir / path.parent / f"{stamped}{suffix}"
    n = 1
    while target.exists() or target.is_symlink():
        n += 1
        target = archive_dir / path.parent / f"{stamped}-{n}{suffix}"
    return target


def settle(wh: Warehouse, drop: Drop, results: list[LoadResult], settings: Settings,
           at: datetime) -> Disposition:
    """Apply the landing retention to a drop `load_drop` has just returned `results` for (its
    transaction committed), and record in the ledger where its files went."""
    policy = settings.landing_retention
    if policy == "keep":
        return Disposition(drop.relative, "kept")
    if why := _why_it_stays(wh, drop, results):
        return Disposition(drop.relative, "kept", reason=why)
    source = settings.landing_dir / drop.relative
    target = None
    try:
        if policy == "archive":
            target = _archive_path(settings.archive_dir, drop.relative, at, source.is_dir())
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, target)
        elif source.is_dir():
            shutil.rmtree(source)
        else:
            source.unlink()
    except OSError as exc:
        return Disposition(drop.relative, "kept", reason=f"could not {policy} it: {exc}")
    action = "archived" if policy == "archive" else "deleted"
    rows = [[action, f"{target}{r.file[len(drop.relative):]}" if target else None,
             drop.relative, r.file, r.sha256] for r in results if r.status in IN_WAREHOUSE]
    with wh.transaction():
        wh.executemany(f"update {LEDGER} set retention = ?, archived_to = ? where drop_id = ?"
                       " and source_file = ? and file_sha256 = ? and status = 'loaded'", rows)
    return Disposition(drop.relative, action, target)
