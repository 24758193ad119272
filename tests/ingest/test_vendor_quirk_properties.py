"""Property: any combination of vendor quirks in an otherwise good HMIS export loads every row,
keeps every value as written, reads it back to the value it stood for, and flags each one
that needed reading."""

from __future__ import annotations

import codecs
import csv
import io
import random
import tempfile
from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.ingest import vendor
from orchestration.ingest.landing import HMIS_FILES, SOURCES_BY_NAME, discover
from orchestration.ingest.loader import load_drop
from orchestration.ingest.parsing import column_name
from orchestration.layouts import HEADERS
from orchestration.warehouse import Warehouse
from tests.ingest.exports import export_rows

EXPORT_DATE = date(2026, 10, 31)
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DATE_LAYOUTS = {
    "M/D/YYYY": lambda d: f"{d.month}/{d.day}/{d.year}",
    "M/D/YY": lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}",
    "DD-MON-YY": lambda d: f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year % 100:02d}",
    "MM-DD-YYYY": lambda d: f"{d.month:02d}-{d.day:02d}-{d.year}",
    "MM-DD-YY": lambda d: f"{d.month:02d}-{d.day:02d}-{d.year % 100:02d}",
}
TIME_LAYOUTS = {
    "HH:MM": lambda t: f"{t.hour:02d}:{t.minute:02d}",
    "h:MM AM/PM": lambda t: (f"{(t.hour % 12) or 12}:{t.minute:02d}"
                             f" {'PM' if t.hour >= 12 else 'AM'}"),
    "ISO T": lambda t: f"T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z",
}
quirks = st.fixed_dictionaries({
    "dates": st.sampled_from([None, *DATE_LAYOUTS]),
    "times": st.sampled_from([None, *TIME_LAYOUTS]),
    "decimal_codes": st.booleans(),
    "padding": st.sampled_from(["", " ", "\t", " \t "]),
    "shuffle_columns": st.booleans(),
    "restamp_export_id": st.booleans(),
    "encoding": st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    "crlf": st.booleans(),
    "seed": st.integers(0, 1000),
})
CODE_FIELDS = {"NameDataQuality", "SSNDataQuality", "DOBDataQuality", "VeteranStatus",
               "RelationshipToHoH", "LivingSituation", "DisablingCondition", "Destination",
               "ProjectType", "RecordType", "TypeProvided"}


def _quirky(field: str, value: str, q: dict) -> str:
    """How a vendor with these habits writes one value (two-digit years stay unambiguous: the
    export's dates all fall within a century before its export date)."""
    if not value:
        return value
    column = column_name(field)
    if column in ("date_created", "date_updated") and (q["dates"] or q["times"]):
        moment = datetime.fromisoformat(value)
        day = DATE_LAYOUTS[q["dates"]](moment.date()) if q["dates"] else moment.date().isoformat()
        time = TIME_LAYOUTS[q["times"]](moment.time()) if q["times"] else moment.strftime(
            "%H:%M:%S")
        value = f"{day}{time}" if time.startswith("T") else f"{day} {time}"
    elif column in ("dob", "entry_date", "exit_date", "date_provided", "move_in_date",
                    "export_start_date", "export_end_date") and q["dates"]:
        value = DATE_LAYOUTS[q["dates"]](date.fromisoformat(value))
    elif field in CODE_FIELDS and q["decimal_codes"]:
        value = f"{value}.0"
    return f"{q['padding']}{value}{q['padding']}" if field.endswith("ID") else value


def _write(folder: Path, q: dict) -> dict[str, list[dict[str, str]]]:
    rows = export_rows(2024)
    if q["restamp_export_id"]:
        for name, records in rows.items():
            if name != "Export.csv":
                for record in records:
                    record["ExportID"] = "VENDOR-BATCH-7"
    folder.mkdir(parents=True)
    rng = random.Random(q["seed"])
    for name in HEADERS[2024]:
        header = list(HEADERS[2024][name])
        if q["shuffle_columns"]:
            rng.shuffle(header)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n" if q["crlf"] else "\n")
        writer.writerow(header)
        for record in rows.get(name, []):
            writer.writerow([_quirky(c, record.get(c, ""), q) for c in header])
        data = out.getvalue().encode(q["encoding"])
        (folder / name).write_bytes(data if q["encoding"] != "utf-8-sig"
                                    else codecs.BOM_UTF8 + out.getvalue().encode("utf-8"))
    return rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quirks)
def test_any_mix_of_vendor_quirks_loads_every_row_read_as_it_was_meant(q: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        landing = Path(tmp) / "landing"
        rows = _write(landing / "hmis" / "north" / "E1", q)
        with Warehouse(Path(tmp) / "w.duckdb") as wh:
            [drop] = discover(landing, SOURCES_BY_NAME["hmis"])
            results = load_drop(wh, drop, datetime(2026, 11, 1))
            assert {r.status for r in results} == {"loaded"}, [r.message for r in results]
            assert sum(r.rows_quarantined for r in results) == 0
            for name, records in rows.items():
                table = HMIS_FILES[name]
                assert wh.scalar(f"select count(*) from raw.{table}") == len(records)
                for i, record in enumerate(records, start=1):
                    for field, meant in record.items():
                        column = column_name(field)
                        [(raw,)] = wh.rows(f'select "{column}" from raw.{table}'
                                           " where _source_row = ?", [i])
                        assert raw == (_quirky(field, meant, q) or None), (name, field)
                        if column in ("date_created", "date_updated", "export_date"):
                            read = vendor.canonical_timestamp(raw, EXPORT_DATE)
                        elif column.endswith("_date") or column in ("dob", "date_provided"):
                            read = vendor.canonical_date(raw, EXPORT_DATE)
                        else:
                            read = vendor.canonical_code(raw)
                        assert read == (meant or None), (name, field, raw)
            layout_flags = wh.scalar("select count(*) from quarantine.flags"
                                     " where rule like 'layout:%'")
            quirky = q["dates"] or q["times"] or q["decimal_codes"] or q["padding"]
            assert (layout_flags > 0) == bool(quirky)
            restamped = wh.scalar("select count(*) from quarantine.flags"
                                  " where rule = 'references:export_id'")
            assert (restamped > 0) == q["restamp_export_id"]
