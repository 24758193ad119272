"""A small generated agency with the oddities the reports must catch planted in its files:
an exit dated before its entry, a service dated after its exit, and a case note holding a
<script> tag and HTML (whose stall phrase the note reader cites)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

SCRIPT_NOTE = ("<script>alert('owned')</script><b>Bold claim</b> She missed the bus twice "
               "this week & could not get to the job fair.")


@dataclass(frozen=True)
class Planted:
    site: str
    exit_before_entry: str  # ExitID
    service_after_exit: str  # ServicesID
    script_note_personal_id: str


def _read(path: Path) -> tuple[list[str], list[dict[str, str]], str]:
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    reader = csv.DictReader(io.StringIO(raw.decode(encoding), newline=""))
    return list(reader.fieldnames or []), list(reader), encoding


def _write(path: Path, header: list[str], rows: list[dict[str, str]], encoding: str) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))


def plant_oddities(landing: Path, as_of: date, site: str = "north") -> Planted:
    export = next((landing / "hmis" / site).iterdir())
    _, enrollments, _ = _read(export / "Enrollment.csv")
    entry = {e["EnrollmentID"]: e["EntryDate"] for e in enrollments}
    exit_header, exits, exit_encoding = _read(export / "Exit.csv")
    broken = exits[0]
    broken["ExitDate"] = (date.fromisoformat(entry[broken["EnrollmentID"]])
                          - timedelta(days=30)).isoformat()
    _write(export / "Exit.csv", exit_header, exits, exit_encoding)

    exited = {x["EnrollmentID"]: date.fromisoformat(x["ExitDate"]) for x in exits[1:]
              if x["ExitDate"] and date.fromisoformat(x["ExitDate"]) < as_of - timedelta(days=20)}
    service_header, services, service_encoding = _read(export / "Services.csv")
    late = next(s for s in services if s["EnrollmentID"] in exited)
    late["DateProvided"] = (exited[late["EnrollmentID"]] + timedelta(days=7)).isoformat()
    _write(export / "Services.csv", service_header, services, service_encoding)

    open_ids = {x["EnrollmentID"] for x in exits}
    personal_id = next(e["PersonalID"] for e in enrollments if e["EnrollmentID"] not in open_ids)
    note = {"note_id": "PLANTED-SCRIPT", "personal_id": personal_id,
            "note_date": (as_of - timedelta(days=3)).isoformat(), "author_id": f"cw-{site}-01",
            "note_type": "office_visit", "text": SCRIPT_NOTE}
    (landing / "notes" / site / "planted.jsonl").write_text(json.dumps(note) + "\n",
                                                            encoding="utf-8")
    return Planted(site, broken["ExitID"], late["ServicesID"], personal_id)
