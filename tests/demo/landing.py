"""Read a generated agency back from its files, as a pipeline would (with true links given).

The tests re-grade people from these rows with the generator's grader, so a writer that
drops, shifts or mislabels a row shows up as a wrong grade.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date
from pathlib import Path

from orchestration.demo.grading import EnrollmentFact, Facts
from orchestration.demo.notes_text import NEGATIONS, PROGRESS_PHRASES


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a landing file in any contract encoding (UTF-8 with or without BOM, cp1252)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line]
    return list(csv.DictReader(io.StringIO(text, newline="")))


def truth(root: Path, name: str) -> list[dict[str, str]]:
    return read_rows(root / "truth" / name)


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def says_progress(text: str) -> bool:
    """An affirmative progress phrase (not one preceded by a negation)."""
    lowered = text.lower()
    for phrase in PROGRESS_PHRASES:
        at = lowered.find(phrase)
        while at >= 0:
            if not any(neg in lowered[max(0, at - 12) : at] for neg in NEGATIONS):
                return True
            at = lowered.find(phrase, at + 1)
    return False


def facts_by_person(
    root: Path, include_deleted: bool = False, home_only: bool = False, read_notes: bool = False
) -> dict[str, Facts]:
    """Facts per true person from the landing files; `read_notes` adds note progress findings."""
    owner = {r["record_key"]: r["true_person"] for r in truth(root, "records.csv")}
    home = {r["true_person"]: r["home_site"] for r in truth(root, "people.csv")}
    facts: dict[str, Facts] = defaultdict(Facts)
    landing = root / "landing"

    def person(source: str, site: str, record_id: str) -> str | None:
        tp = owner.get(f"{source}:{site}:{record_id}")
        return None if tp is None or (home_only and home[tp] != site) else tp

    def kept(row: dict[str, str]) -> bool:
        return include_deleted or not row["DateDeleted"]

    for export in sorted((landing / "hmis").glob("*/*")):
        site = export.parent.name
        types = {r["ProjectID"]: int(r["ProjectType"]) for r in read_rows(export / "Project.csv")}
        exits = {r["EnrollmentID"]: r for r in read_rows(export / "Exit.csv") if kept(r)}
        for r in read_rows(export / "Enrollment.csv"):
            tp = person("hmis", site, r["PersonalID"])
            if tp and kept(r):
                ex = exits.get(r["EnrollmentID"])
                facts[tp].enrollments.append(
                    EnrollmentFact(
                        date.fromisoformat(r["EntryDate"]),
                        _day(ex["ExitDate"]) if ex else None,
                        types[r["ProjectID"]],
                        _day(r["MoveInDate"]),
                        int(ex["Destination"]) if ex else None,
                    )
                )
        for name, day_column in (
            ("Services.csv", "DateProvided"),
            ("CurrentLivingSituation.csv", "InformationDate"),
        ):
            for r in read_rows(export / name):
                tp = person("hmis", site, r["PersonalID"])
                if tp and kept(r):
                    facts[tp].contacts.append(date.fromisoformat(r[day_column]))
        for r in read_rows(export / "IncomeBenefits.csv"):
            tp = person("hmis", site, r["PersonalID"])
            if tp and kept(r):
                facts[tp].incomes.append(
                    (date.fromisoformat(r["InformationDate"]), int(float(r["TotalMonthlyIncome"])))
                )
    for path in sorted((landing / "notes").glob("*/*")):
        for r in read_rows(path):
            tp = person("hmis", path.parent.name, r["personal_id"])
            if tp and r["note_type"] != "attempted_contact":
                facts[tp].contacts.append(date.fromisoformat(r["note_date"]))
            if tp and read_notes and says_progress(r["text"]):
                facts[tp].progress_notes.append(date.fromisoformat(r["note_date"]))
    for path in sorted((landing / "screens").glob("*/*")):
        for r in read_rows(path):
            tp = person("hmis", path.parent.name, r["personal_id"])
            if tp:
                day = date.fromisoformat(r["screen_date"])
                facts[tp].screens.append((day, r["instrument"], int(r["total_score"])))
                facts[tp].contacts.append(day)
    for path in sorted((landing / "plans").glob("*/*")):
        for r in read_rows(path):
            tp = person("hmis", path.parent.name, r["personal_id"])
            if tp and r["status"] == "met":
                facts[tp].milestones_met.append(date.fromisoformat(r["status_date"]))
    for path in sorted((landing / "surveys").glob("*/*")):
        for r in read_rows(path):
            tp = person("survey", path.parent.name, r["response_id"])
            if tp:
                day = date.fromisoformat(r["submitted_at"][:10])
                facts[tp].surveys.append((day, r["survey_type"]))
                facts[tp].contacts.append(day)
    return facts
