"""The dirt real exports carry, decided per person, and the names it is logged under.

Every injected fault is written to truth/faults.csv as (fault, file, row, field, detail)
so tests can check that the pipeline quarantined, dropped or survived each one.
Deleted rows are special: they are only planted where forgetting `DateDeleted` would
change the person's grade, which `add_deleted_rows` verifies with the grader.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from orchestration.demo.dates import days
from orchestration.demo.grading import MARGIN_DAYS, Grade, facts_of, grade
from orchestration.demo.model import Enrollment, PersonScript, Service
from orchestration.demo.people import Identity
from orchestration.demo.sites import PROGRAM_TYPES
from orchestration.demo.truth_rubric import Rubric

FaultNote = tuple[str, str, str]  # (fault, field, detail) for a row about to be written
DELETED_ROWS = {  # why each kind of deleted row matters
    "Client.csv": "stale duplicate client record, deleted in the source",
    "Enrollment.csv": "deleted open enrollment: counting it makes a closed person active",
    "Exit.csv": "deleted exit: counting it closes an active person",
    "Services.csv": "deleted service: counting it hides a missed contact",
}


def deleted_row(file_name: str, is_deleted: bool) -> list[FaultNote]:
    return [("deleted_row", "DateDeleted", DELETED_ROWS[file_name])] if is_deleted else []


def bad_codes(rng: random.Random, enrollment: Enrollment) -> tuple[int, int]:
    """RelationshipToHoH 7 / LivingSituation 999 on a duplicate-site stay (never grade-deciding)."""
    relationship = 7 if rng.random() < 0.15 else enrollment.relationship
    living = 999 if rng.random() < 0.15 else enrollment.living_situation
    return relationship, living


def enrollment_faults(enrollment: Enrollment) -> list[FaultNote]:
    found: list[FaultNote] = []
    if enrollment.relationship == 7:
        found.append(("bad_code", "RelationshipToHoH", "7 is not a HUD RelationshipToHoH code"))
    if enrollment.living_situation == 999:
        found.append(("bad_code", "LivingSituation", "999 is not a HUD living situation code"))
    return found + deleted_row("Enrollment.csv", enrollment.deleted)


def client_quality(
    rng: random.Random, ident: Identity
) -> tuple[dict[str, object], list[FaultNote]]:
    """Client.csv identifier columns with HUD data-quality codes, some missing or partial."""
    values: dict[str, object] = {
        "NameDataQuality": 1,
        "SSN": ident.ssn,
        "SSNDataQuality": 1,
        "DOB": ident.dob.isoformat(),
        "DOBDataQuality": 1,
    }
    found: list[FaultNote] = []
    if rng.random() < 0.03:
        quality = rng.choice((99, 99, 99, 8, 9))
        values.update(DOB="", DOBDataQuality=quality)
        found.append(("missing_dob", "DOB", f"blank DOB, DOBDataQuality {quality}"))
    roll = rng.random()
    if roll < 0.03:
        quality = rng.choice((8, 9, 99))
        values.update(SSN="", SSNDataQuality=quality)
        found.append(("missing_ssn", "SSN", f"blank SSN, SSNDataQuality {quality}"))
    elif roll < 0.06:
        values.update(SSN=f"xxxxx{ident.ssn[-4:]}", SSNDataQuality=2)
        found.append(("partial_ssn", "SSN", "last four only, SSNDataQuality 2"))
    return values, found


def note_markup(rng: random.Random, html_share: float) -> tuple[bool, bool]:
    """(as HTML, with a stray <script>) for one note from a site's editor."""
    html = rng.random() < html_share
    return html, html and rng.random() < 0.01


def add_deleted_rows(
    rng: random.Random, person: PersonScript, result: Grade, as_of: date, rubric: Rubric
) -> None:
    """Plant one deleted row whose removal the expected grade depends on, or none."""
    undo = _plant(rng, person, result, as_of, rubric)
    if undo is None:
        return
    counted = grade(facts_of(person, include_deleted=True), as_of, rubric)
    if counted is not None and counted.grade == result.grade:
        undo()


def _plant(
    rng: random.Random, person: PersonScript, result: Grade, as_of: date, rubric: Rubric
) -> Callable[[], object] | None:
    """Add one candidate deleted row for this trajectory; returns how to take it back."""
    roll = rng.random()
    primary = next((e for e in person.enrollments if e.role == "current"), None)
    if person.trajectory == "closed" and roll < 0.25:
        person.enrollments.append(
            Enrollment(
                person.home_site,
                rng.choice(PROGRAM_TYPES),
                as_of - days(rng.randint(20, 150)),
                deleted=True,
                role="phantom",
            )
        )
        return person.enrollments.pop
    if primary is None or result.program is None:
        return None
    if person.trajectory == "slowing" and roll < 0.4:
        cadence = rubric.thresholds(result.program).contact_cadence_days
        recent = as_of - days(rng.randint(1, cadence - MARGIN_DAYS - 1))
        person.services.append(Service(recent, primary, deleted=True))
        return person.services.pop
    if person.trajectory == "moving" and roll < 0.06:
        primary.exit, primary.destination = as_of - days(rng.randint(10, 30)), 435
        primary.exit_deleted = True

        def undo() -> None:
            primary.exit, primary.destination, primary.exit_deleted = None, None, False

        return undo
    return None
