"""Ground truth written beside the landing folder (never read by the pipeline)."""

from __future__ import annotations

from datetime import date

from orchestration.demo.grading import Grade
from orchestration.demo.model import PersonScript
from orchestration.demo.tables import Outputs

PEOPLE = (
    "true_person",
    "home_site",
    "trajectory",
    "expected_grade",
    "program_project_type",
    "baseline",
    "last_movement_date",
    "last_contact_date",
    "stall_reason",
    "reason_captured",
    "reason_in_notes",
    "stalled_since",
    "overdue_surveys",
)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _flag(value: bool) -> str:
    return "true" if value else "false"


class Truth:
    """truth/records.csv, people.csv and faults.csv, streamed like the landing files."""

    def __init__(self, outputs: Outputs):
        self.records = outputs.table("records.csv", ("record_key", "true_person"))
        self.people = outputs.table("people.csv", PEOPLE)
        self.faults = outputs.table("faults.csv", ("fault", "file", "row", "field", "detail"))

    def record(self, source: str, site: str, record_id: str, true_person: str) -> None:
        self.records.write(
            {"record_key": f"{source}:{site}:{record_id}", "true_person": true_person}
        )

    def fault(self, fault: str, file: str, row: int | str, field: str, detail: str) -> None:
        self.faults.write(
            {"fault": fault, "file": file, "row": row, "field": field, "detail": detail}
        )

    def person(self, person: PersonScript, result: Grade) -> None:
        self.people.write(
            {
                "true_person": person.true_person,
                "home_site": person.home_site,
                "trajectory": person.trajectory,
                "expected_grade": result.grade,
                "program_project_type": "" if result.program is None else result.program,
                "baseline": _iso(result.baseline),
                "last_movement_date": _iso(result.last_movement),
                "last_contact_date": _iso(result.last_contact),
                "stall_reason": person.stall_reason,
                "reason_captured": _flag(person.reason_captured),
                "reason_in_notes": _flag(person.reason_in_notes),
                "stalled_since": _iso(person.stalled_since),
                "overdue_surveys": ";".join(result.overdue),
            }
        )
