"""A true person's scripted history: what happened, before any file format is chosen.

The grader reads these objects to compute the expected grade and the writers turn the
same objects into rows, so truth and landing files cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from orchestration.demo.people import Identity


@dataclass(slots=True, eq=False)
class Enrollment:
    site: str
    project_type: int
    entry: date
    exit: date | None = None
    destination: int | None = None
    move_in: date | None = None
    deleted: bool = False
    exit_deleted: bool = False
    relationship: int = 1
    living_situation: int = 101
    role: str = "current"  # current / concurrent / prior / duplicate / closed / phantom


@dataclass(slots=True)
class Note:
    day: date
    enrollment: Enrollment
    note_type: str  # contact / phone / home_visit / office_visit / attempted_contact
    text: str
    progress: bool = False
    prompt_injection: bool = False  # text addressed to a language model, planted on purpose


@dataclass(slots=True)
class Service:
    day: date
    enrollment: Enrollment
    deleted: bool = False


@dataclass(slots=True)
class LivingCheck:
    """A CurrentLivingSituation record (an outreach contact)."""

    day: date
    enrollment: Enrollment
    situation: int
    location: str


@dataclass(slots=True)
class Screen:
    day: date
    enrollment: Enrollment
    instrument: str  # PHQ-9 / GAD-7
    items: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.items)


@dataclass(slots=True)
class Income:
    """An IncomeBenefits record; `amount` is filled in date order once the script is final."""

    day: date
    enrollment: Enrollment
    stage: int  # HUD DataCollectionStage: 1 entry, 2 update, 3 exit, 5 annual
    raise_by: int = 0
    source: str = "Earned"
    amount: int = 0


@dataclass(slots=True)
class Milestone:
    day: date
    enrollment: Enrollment
    goal: str
    milestone: str
    milestone_type: str
    status: str  # met / in_progress / stalled / dropped
    stall_reason: str = ""


@dataclass(slots=True)
class SurveyResponse:
    day: date
    site: str
    survey_type: str  # 90_day / 1_year
    housing_status: str
    employed: str
    monthly_income: str
    matchable: bool = True


@dataclass(slots=True)
class Duplicate:
    """The person's record at a second site, typed differently."""

    site: str
    identity: Identity
    variation: str


@dataclass(slots=True)
class PersonScript:
    index: int
    true_person: str
    home_site: str
    trajectory: str
    identity: Identity
    worker: int
    base_income: int
    enrollments: list[Enrollment] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    living_checks: list[LivingCheck] = field(default_factory=list)
    screens: list[Screen] = field(default_factory=list)
    incomes: list[Income] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    surveys: list[SurveyResponse] = field(default_factory=list)
    duplicate: Duplicate | None = None
    deleted_client: bool = False
    stall_reason: str = ""
    reason_captured: bool = False
    reason_in_notes: bool = False
    stalled_since: date | None = None

    def sites(self) -> tuple[str, ...]:
        """Sites holding an HMIS record for this person, home first."""
        return (self.home_site,) + ((self.duplicate.site,) if self.duplicate else ())
