"""Expected grades in truth/people.csv follow from the landing rows by the momentum rules."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from orchestration.demo.grading import grade
from orchestration.demo.truth_rubric import load_rubric

from .conftest import AS_OF
from .landing import facts_by_person, truth

RUBRIC = load_rubric()


def _regrade(root: Path, **options: bool) -> dict[str, str]:
    graded = {}
    for tp, facts in facts_by_person(root, **options).items():
        result = grade(facts, AS_OF, RUBRIC)
        graded[tp] = result.grade if result else "ungraded"
    return graded


def test_expected_grades_rederive_from_the_landing_files(agency):
    root, _ = agency
    facts = facts_by_person(root)
    for row in truth(root, "people.csv"):
        result = grade(facts[row["true_person"]], AS_OF, RUBRIC)
        assert result is not None
        dates = (result.baseline, result.last_movement, result.last_contact)
        assert (
            result.grade,
            "" if result.program is None else str(result.program),
            *(d.isoformat() if d else "" for d in dates),
            ";".join(result.overdue),
        ) == (
            row["expected_grade"],
            row["program_project_type"],
            row["baseline"],
            row["last_movement_date"],
            row["last_contact_date"],
            row["overdue_surveys"],
        ), row["true_person"]


def test_trajectories_get_their_intended_grade(agency):
    intended = {
        "moving": "green",
        "slowing": "amber",
        "followup_overdue": "amber",
        "stalled": "red",
        "closed": "closed",
    }
    for row in truth(agency[0], "people.csv"):
        assert row["expected_grade"] == intended[row["trajectory"]]


def test_progress_notes_never_move_the_last_movement_date(agency):
    root, _ = agency
    structured = facts_by_person(root)
    with_notes = facts_by_person(root, read_notes=True)
    for tp, facts in with_notes.items():
        by_notes, by_rows = grade(facts, AS_OF, RUBRIC), grade(structured[tp], AS_OF, RUBRIC)
        assert by_notes and by_rows
        assert (by_notes.grade, by_notes.last_movement) == (by_rows.grade, by_rows.last_movement), (
            tp
        )


def test_forgetting_date_deleted_changes_exactly_the_planted_grades(agency):
    root, _ = agency
    expected = {r["true_person"]: r["expected_grade"] for r in truth(root, "people.csv")}
    counted = _regrade(root, include_deleted=True)
    changed = [tp for tp, got in counted.items() if got != expected[tp]]
    planted = [
        f
        for f in truth(root, "faults.csv")
        if f["fault"] == "deleted_row" and not f["file"].endswith("Client.csv")
    ]
    assert planted and len(changed) == len(planted)


def test_second_site_records_never_decide_a_grade(agency):
    root, _ = agency
    expected = {r["true_person"]: r["expected_grade"] for r in truth(root, "people.csv")}
    assert _regrade(root, home_only=True) == expected


def test_lost_contact_clients_have_no_contact_after_the_stall(agency):
    rows = [r for r in truth(agency[0], "people.csv") if r["stall_reason"] == "lost_contact"]
    assert rows
    assert all(r["last_contact_date"] == r["stalled_since"] for r in rows)


def test_stall_reasons_are_captured_told_or_silent_in_the_specified_mix(agency):
    stalled = [r for r in truth(agency[0], "people.csv") if r["trajectory"] == "stalled"]
    modes = Counter(
        "captured"
        if r["reason_captured"] == "true"
        else "notes"
        if r["reason_in_notes"] == "true"
        else "none"
        for r in stalled
    )
    assert 0.18 < modes["captured"] / len(stalled) < 0.42
    assert 0.45 < modes["notes"] / len(stalled) < 0.75
    assert 0.02 < modes["none"] / len(stalled) < 0.2
    assert {r["stall_reason"] for r in stalled} <= set(RUBRIC.reason_keys)
