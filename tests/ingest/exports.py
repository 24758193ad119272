"""Build small, valid HMIS exports (FY2024 or FY2026) for tests, as folders or zips."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from orchestration.layouts import CSV_VERSION, HEADERS

AUDIT = {"DateCreated": "2026-01-05 09:00:00", "DateUpdated": "2026-01-05 09:00:00",
         "UserID": "u1", "ExportID": "E1"}


def export_rows(year: int = 2024, export_id: str = "E1") -> dict[str, list[dict[str, str]]]:
    """One organization, one project, two clients, two enrollments, one exit, one service."""
    audit = {**AUDIT, "ExportID": export_id}
    return {
        "Export.csv": [{"ExportID": export_id, "ExportDate": "2026-10-31 23:00:00",
                        "ExportStartDate": "2024-10-01", "ExportEndDate": "2026-10-31",
                        "CSVVersion": CSV_VERSION[year], "ExportPeriodType": "4",
                        "ExportDirective": "2", "HashStatus": "1"}],
        "Organization.csv": [{"OrganizationID": "O1", "OrganizationName": "North Org", **audit}],
        "Project.csv": [{"ProjectID": "P1", "OrganizationID": "O1", "ProjectName": "Shelter",
                         "ProjectType": "0", **audit}],
        "Client.csv": [
            {"PersonalID": "1", "FirstName": "Ana", "LastName": "Diaz", "NameDataQuality": "1",
             "SSN": "123456789", "SSNDataQuality": "1", "DOB": "1990-01-02",
             "DOBDataQuality": "1", "VeteranStatus": "0", **audit},
            {"PersonalID": "2", "FirstName": "Bo", "LastName": "Li", "NameDataQuality": "1",
             "SSN": "", "SSNDataQuality": "99", "DOB": "", "DOBDataQuality": "99",
             "VeteranStatus": "0", **audit},
        ],
        "Enrollment.csv": [
            {"EnrollmentID": "N1", "PersonalID": "1", "ProjectID": "P1", "EntryDate": "2026-01-05",
             "HouseholdID": "H1", "RelationshipToHoH": "1", "LivingSituation": "116",
             "DisablingCondition": "0", **audit},
            {"EnrollmentID": "N2", "PersonalID": "2", "ProjectID": "P1", "EntryDate": "2026-02-01",
             "HouseholdID": "H2", "RelationshipToHoH": "1", "LivingSituation": "101",
             "DisablingCondition": "99", **audit},
        ],
        "Exit.csv": [{"ExitID": "X1", "EnrollmentID": "N1", "PersonalID": "1",
                      "ExitDate": "2026-06-30", "Destination": "410", **audit}],
        "Services.csv": [{"ServicesID": "S1", "EnrollmentID": "N2", "PersonalID": "2",
                          "DateProvided": "2026-03-01", "RecordType": "200", "TypeProvided": "200",
                          **audit}],
    }


def render(year: int, name: str, rows: list[dict[str, str]],
           header: list[str] | None = None) -> str:
    columns = header or list(HEADERS[year][name])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def write_export(folder: Path, year: int = 2024, rows: dict | None = None,
                 as_zip: bool = False) -> Path:
    """Write an export as `folder/` (or `folder.zip`), every HUD file of its year (those
    without rows as a header alone, as HMIS systems do); returns what was written."""
    rows = rows or export_rows(year)
    files = {name: render(year, name, rows.get(name, [])) for name in HEADERS[year]}
    folder.parent.mkdir(parents=True, exist_ok=True)
    if as_zip:
        target = folder.with_suffix(".zip")
        with zipfile.ZipFile(target, "w") as archive:
            for name, text in files.items():
                archive.writestr(name, text)
        return target
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
