"""A corpus of broken drops: each fails with a message naming file, line or field, and leaves
every data table of the warehouse as it was (only the ledger records the failed attempt)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from orchestration.ingest.landing import SOURCES_BY_NAME, discover
from orchestration.ingest.loader import load_drop
from orchestration.warehouse import Warehouse
from tests.ingest.exports import export_rows, render, write_export

NOW = datetime(2026, 11, 1, 6, 0)
INTAKE = "submission_id,intake_client_id,submitted_at,first_name,last_name\n"
GOOD_INTAKE = INTAKE + "1,c1,2026-01-02 10:00:00,Ana,Diaz\n"


def write(landing: Path, relative: str, data: bytes) -> None:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def intake(data: bytes) -> Callable[[Path], str]:
    def make(landing: Path) -> str:
        write(landing, "intake/north/bad.csv", data)
        return "intake"
    return make


def hmis(change: Callable[[dict], None], year: int = 2024) -> Callable[[Path], str]:
    def make(landing: Path) -> str:
        rows = export_rows(year)
        change(rows)
        write_export(landing / "hmis" / "north" / "BAD", year=year, rows=rows)
        return "hmis"
    return make


def hmis_file(name: str, text: str) -> Callable[[Path], str]:
    def make(landing: Path) -> str:
        folder = write_export(landing / "hmis" / "north" / "BAD")
        (folder / name).write_text(text)
        return "hmis"
    return make


def truncated_zip(landing: Path) -> str:
    target = write_export(landing / "hmis" / "north" / "BAD", as_zip=True)
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return "hmis"


def corrupt_zip_member(landing: Path) -> str:
    target = write_export(landing / "hmis" / "north" / "BAD", as_zip=True)
    with zipfile.ZipFile(target) as archive:
        info = archive.getinfo("Client.csv")
    data = bytearray(target.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + 5
    data[start] ^= 0xFF
    target.write_bytes(bytes(data))
    return "hmis"


def no_export_csv(landing: Path) -> str:
    folder = write_export(landing / "hmis" / "north" / "BAD")
    (folder / "Export.csv").unlink()
    return "hmis"


def member_not_csv(landing: Path) -> str:
    folder = write_export(landing / "hmis" / "north" / "BAD")
    (folder / "Client.csv").write_bytes(b"%PDF-1.7\n...")
    return "hmis"


def fy2026_client_in_fy2024_export(landing: Path) -> str:
    folder = write_export(landing / "hmis" / "north" / "BAD", year=2024)
    (folder / "Client.csv").write_text(render(2026, "Client.csv", export_rows(2026)["Client.csv"]))
    return "hmis"


def drop_column(name: str, column: str) -> Callable[[Path], str]:
    def make(landing: Path) -> str:
        folder = write_export(landing / "hmis" / "north" / "BAD")
        rows = export_rows()[name]
        header = [c for c in render(2024, name, rows).splitlines()[0].split(",") if c != column]
        (folder / name).write_text(render(2024, name, rows, header=header))
        return "hmis"
    return make


CORPUS: dict[str, tuple[Callable[[Path], str], str]] = {
    "empty file": (intake(b""), "bad.csv: file is empty"),
    "blank lines only": (intake(b"\n\n  \n"), "bad.csv: file is empty"),
    "binary bytes": (intake(b"submission_id\x00\x01\x02\n"), "binary (NUL) bytes"),
    "Excel workbook renamed": (intake(b"PK\x03\x04\x14\x00rest"), "an Excel workbook"),
    "legacy Excel file": (intake(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "legacy Excel"),
    "PDF renamed": (intake(b"%PDF-1.7\n..."), "this is a PDF"),
    "HTML page": (intake(b"<!DOCTYPE html><html><body>Login</body></html>"), "an HTML page"),
    "semicolon delimiter": (intake(INTAKE.replace(",", ";").encode()), "separated by semicolons"),
    "tab delimiter": (intake(INTAKE.replace(",", "\t").encode()), "separated by tabs"),
    "undecodable bytes": (intake(GOOD_INTAKE.encode() + b"2,c2,2026-01-02,\x81\x8d,Li\n"),
                          "neither UTF-8 nor Windows-1252"),
    "damaged UTF-16": (intake(b"\xff\xfe" + "submission_id\n1\n".encode("utf-16-le")[:-1]),
                       "UTF-16 text is damaged"),
    "duplicate header": (intake(b"submission_id,submission_id\n1,2\n"), "duplicate header"),
    "blank header column": (intake(b"submission_id,,x\n1,2,3\n"), "header column 2 has no name"),
    "headers equal once normalised": (intake(b"Submission ID,submission_id\n1,2\n"),
                                      "duplicate header columns ['submission_id']"),
    "unterminated quote": (intake((INTAKE + '2,c2,2026-01-02 10:00:00,"Ana,Diaz\n').encode()),
                           "not valid CSV"),
    "missing required column": (intake(b"intake_client_id,first_name\nc1,Ana\n"),
                                "missing required column 'submission_id'"),
    "no Export.csv": (no_export_csv, "the export has no Export.csv"),
    "older fiscal year": (hmis(lambda r: r["Export.csv"][0].update(CSVVersion="2020 v1.0")),
                          "CSVVersion '2020 v1.0' is not a layout caseintel reads"),
    "layout of another year": (fy2026_client_in_fy2024_export,
                               "not the FY2024 layout that Export.csv announces (the header is "
                               "the FY2026 layout)"),
    "HMIS column missing": (drop_column("Enrollment.csv", "EntryDate"),
                            "Enrollment.csv, line 1, field 'EntryDate': not the FY2024 layout"),
    "two Export.csv rows": (hmis(lambda r: r["Export.csv"].append(dict(r["Export.csv"][0]))),
                            "Export.csv has 2 rows; it must have one"),
    "Export.csv without data": (hmis(lambda r: r["Export.csv"].clear()), "no data row"),
    "export member is a PDF": (member_not_csv, "Client.csv: not a CSV: this is a PDF"),
    "truncated zip": (truncated_zip, "BAD.zip: damaged zip"),
    "zip member fails CRC": (corrupt_zip_member, "BAD.zip: damaged zip"),
    "Export.csv not CSV": (hmis_file("Export.csv", "ExportID;CSVVersion\nE1;2024 v1.0\n"),
                           "separated by semicolons"),
}


def data_snapshot(wh: Warehouse) -> dict[str, int]:
    tables = wh.rows("select table_schema, table_name from information_schema.tables"
                     " where table_schema in ('raw', 'quarantine')"
                     " and table_name <> 'ingest_ledger'")
    return {f"{s}.{t}": wh.scalar(f"select count(*) from {s}.{t}") for s, t in tables}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_broken_drop_fails_loudly_and_changes_no_data(case: str, tmp_path: Path) -> None:
    make, message = CORPUS[case]
    landing = tmp_path / "landing"
    write(landing, "intake/south/good.csv", GOOD_INTAKE.encode())
    write_export(landing / "hmis" / "south" / "GOOD")
    with Warehouse(tmp_path / "w.duckdb") as wh:
        for kind in ("intake", "hmis"):
            for drop in discover(landing, SOURCES_BY_NAME[kind]):
                load_drop(wh, drop, NOW)
        before = data_snapshot(wh)
        ledger_before = wh.scalar("select count(*) from raw.ingest_ledger")
        kind = make(landing)
        results = [r for drop in discover(landing, SOURCES_BY_NAME[kind])
                   for r in load_drop(wh, drop, NOW)]
        failed = [r for r in results if r.status == "failed"]
        assert failed, f"{case}: the drop should fail"
        assert any(message in r.message for r in failed), [r.message for r in failed]
        assert all(r.status in {"failed", "skipped"} for r in results)
        assert data_snapshot(wh) == before
        statuses = wh.rows("select distinct status from raw.ingest_ledger"
                           f" qualify row_number() over () > {ledger_before}")
        assert statuses == [("failed",)]


def test_corpus_has_at_least_twenty_kinds() -> None:
    assert len(CORPUS) >= 20
