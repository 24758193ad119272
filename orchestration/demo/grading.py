"""The momentum rules of docs/contracts.md, applied to plain dated facts.

The generator grades every scripted person with this module and the tests re-grade the
written files with it, so "expected grade" always means "what the rules say about these
rows", never "what the script intended".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from orchestration.demo.dates import add_months, days
from orchestration.demo.model import PersonScript
from orchestration.demo.truth_rubric import Rubric

MARGIN_DAYS = 7


@dataclass(frozen=True)
class EnrollmentFact:
    entry: date
    exit: date | None
    project_type: int
    move_in: date | None
    destination: int | None


@dataclass
class Facts:
    """Everything the rules look at for one true person, across all of their records."""

    enrollments: list[EnrollmentFact] = field(default_factory=list)
    milestones_met: list[date] = field(default_factory=list)
    screens: list[tuple[date, str, int]] = field(default_factory=list)
    incomes: list[tuple[date, int]] = field(default_factory=list)
    progress_notes: list[date] = field(default_factory=list)
    contacts: list[date] = field(default_factory=list)
    surveys: list[tuple[date, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Grade:
    grade: str  # green / amber / red / closed
    program: int | None = None
    baseline: date | None = None
    last_movement: date | None = None
    last_contact: date | None = None
    overdue: tuple[str, ...] = ()


def facts_of(person: PersonScript, include_deleted: bool = False) -> Facts:
    """The person's facts as a pipeline would see them (deleted rows dropped unless asked)."""
    facts = Facts()
    for e in person.enrollments:
        if e.deleted and not include_deleted:
            continue
        exit_day = e.exit if (include_deleted or not e.exit_deleted) else None
        facts.enrollments.append(
            EnrollmentFact(e.entry, exit_day, e.project_type, e.move_in, e.destination)
        )
    facts.milestones_met = [m.day for m in person.milestones if m.status == "met"]
    facts.screens = [(s.day, s.instrument, s.total) for s in person.screens]
    facts.incomes = [(i.day, i.amount) for i in person.incomes]
    facts.progress_notes = [n.day for n in person.notes if n.progress]
    facts.contacts = (
        [n.day for n in person.notes if n.note_type != "attempted_contact"]
        + [s.day for s in person.services if include_deleted or not s.deleted]
        + [c.day for c in person.living_checks]
        + [s.day for s in person.screens]
        + [s.day for s in person.surveys]
    )
    facts.surveys = [(s.day, s.survey_type) for s in person.surveys]
    return facts


def movement_days(facts: Facts, as_of: date, rubric: Rubric) -> list[date]:
    """Dates of every movement event on or before `as_of`, in order."""
    events = facts.milestones_met + facts.progress_notes
    for e in facts.enrollments:
        if e.move_in is not None:
            events.append(e.move_in)
        if e.exit is not None and e.destination in rubric.permanent_destinations:
            events.append(e.exit)
    last_total: dict[str, int] = {}
    for day, instrument, total in sorted(facts.screens):
        previous = last_total.get(instrument)
        if previous is not None and previous - total >= rubric.minimal_change(instrument):
            events.append(day)
        last_total[instrument] = total
    previous_income: int | None = None
    for day, amount in sorted(facts.incomes):
        if previous_income is not None and amount > previous_income:
            events.append(day)
        previous_income = amount
    return sorted(d for d in events if d <= as_of)


def _open(facts: Facts, as_of: date) -> list[EnrollmentFact]:
    return [e for e in facts.enrollments if e.entry <= as_of and (e.exit is None or e.exit > as_of)]


def grade(facts: Facts, as_of: date, rubric: Rubric) -> Grade | None:
    """The grade as of `as_of`; None for someone with no enrollment at all."""
    if not facts.enrollments:
        return None
    open_now = _open(facts, as_of)
    if not open_now:
        return Grade("closed")
    program = max(open_now, key=lambda e: e.entry).project_type
    baseline = min(e.entry for e in open_now)
    thresholds = rubric.thresholds(program)
    moves = movement_days(facts, as_of, rubric)
    last_move = moves[-1] if moves else None
    contacts = [d for d in facts.contacts if d <= as_of]
    last_contact = max(contacts) if contacts else None
    overdue = tuple(
        f.survey_type
        for f in rubric.followups
        if baseline + days(f.due_days + f.grace_days) < as_of
        and not any(t == f.survey_type and baseline < d <= as_of for d, t in facts.surveys)
    )
    anchor = max(last_move, baseline) if last_move else baseline
    if add_months(as_of, -thresholds.stall_after_months) > anchor:
        verdict = "red"
    elif (
        last_contact is None
        or (as_of - last_contact).days > thresholds.contact_cadence_days
        or overdue
    ):
        verdict = "amber"
    else:
        verdict = "green"
    return Grade(verdict, program, baseline, last_move, last_contact, overdue)


def near(a: date, b: date) -> bool:
    return abs((a - b).days) < MARGIN_DAYS


def margin_problems(facts: Facts, result: Grade, as_of: date, rubric: Rubric) -> list[str]:
    """Every way a one-week date slip could change this grade (empty list = robust).

    Also rules out the one place the contract's wording could be read two ways: movement
    before the baseline (coalesce vs. later-of) never happens in the demo.
    """
    problems: list[str] = []
    every_day = (
        [e.entry for e in facts.enrollments]
        + facts.milestones_met
        + facts.progress_notes
        + facts.contacts
        + [d for d, *_ in facts.screens]
        + [d for d, _ in facts.incomes]
        + [d for d, _ in facts.surveys]
    )
    if any(d > as_of for d in every_day):
        problems.append("event after as_of")
    for e in facts.enrollments:
        if near(e.entry, as_of) or (e.exit is not None and near(e.exit, as_of)):
            problems.append("entry or exit within a week of as_of")
    if result.grade == "closed" or result.baseline is None or result.program is None:
        return problems
    open_entries = [e.entry for e in _open(facts, as_of)]
    if len(set(open_entries)) != len(open_entries):
        problems.append("two open enrollments share an entry date")
    thresholds = rubric.thresholds(result.program)
    cutoff = add_months(as_of, -thresholds.stall_after_months)
    anchor = max(result.last_movement or result.baseline, result.baseline)
    if near(anchor, cutoff):
        problems.append("movement anchor within a week of the stall cutoff")
    if result.last_movement is not None and result.last_movement < result.baseline:
        problems.append("last movement before baseline")
    if result.last_contact is not None and near(
        result.last_contact + days(thresholds.contact_cadence_days), as_of
    ):
        problems.append("last contact within a week of the cadence")
    for f in rubric.followups:
        if near(result.baseline + days(f.due_days + f.grace_days), as_of):
            problems.append(f"{f.survey_type} due date within a week of as_of")
    if any(near(d, result.baseline) for d, _ in facts.surveys):
        problems.append("survey response within a week of baseline")
    return problems
