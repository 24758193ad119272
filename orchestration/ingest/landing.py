"""The source kinds caseintel ingests, and the drops found in the landing folder.

A *drop* is what a site delivers in one go and what loads in one transaction: an HMIS export
(a folder or a zip of CSV files, Export.csv first) or a single file of any other kind.
docs/contracts.md is the same contract in prose.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.layouts import HEADERS

# HMIS CSV file name -> raw table, in load order: Export.csv first, then the files others
# point into. Every file of the FY2022, FY2024 and FY2026 HUD specifications.
HMIS_FILES: dict[str, str] = {
    "Export.csv": "hmis_export",
    "Organization.csv": "hmis_organization",
    "User.csv": "hmis_user",
    "Project.csv": "hmis_project",
    "Funder.csv": "hmis_funder",
    "ProjectCoC.csv": "hmis_project_coc",
    "Inventory.csv": "hmis_inventory",
    "Affiliation.csv": "hmis_affiliation",
    "HMISParticipation.csv": "hmis_participation",
    "CEParticipation.csv": "hmis_ce_participation",
    "Client.csv": "hmis_client",
    "Enrollment.csv": "hmis_enrollment",
    "EnrollmentCoC.csv": "hmis_enrollment_coc",
    "Exit.csv": "hmis_exit",
    "IncomeBenefits.csv": "hmis_income_benefits",
    "HealthAndDV.csv": "hmis_health_and_dv",
    "EmploymentEducation.csv": "hmis_employment_education",
    "Disabilities.csv": "hmis_disabilities",
    "Services.csv": "hmis_services",
    "CurrentLivingSituation.csv": "hmis_current_living_situation",
    "Assessment.csv": "hmis_assessment",
    "AssessmentQuestions.csv": "hmis_assessment_questions",
    "AssessmentResults.csv": "hmis_assessment_results",
    "Event.csv": "hmis_event",
    "YouthEducationStatus.csv": "hmis_youth_education_status",
}
HMIS_ORDER = {name: i for i, name in enumerate(HMIS_FILES)}
# A vendor's own CSV beside the HUD files: kept whole, row by row, never checked.
CUSTOM_TABLE = "hmis_custom_rows"


def missing_files(csv_version: str, files: Iterable[str]) -> frozenset[str]:
    """The files of an export's HUD layout that it does not have."""
    return frozenset(HEADERS[int(csv_version.removeprefix("FY"))]) - set(files)


_HUD_NAMES = {name.lower(): name for name in HMIS_FILES}


def hud_name(name: str) -> str:
    """A file's HUD name whatever its case (`client.csv`, `CLIENT.CSV` -> `Client.csv`)."""
    return _HUD_NAMES.get(name.lower(), name)


def _hmis_table(name: str) -> str | None:
    return HMIS_FILES.get(name) or (CUSTOM_TABLE if name.lower().endswith(".csv") else None)


@dataclass(frozen=True)
class SourceKind:
    """One kind of landing file: where it lands, what it looks like, which raw table it feeds."""

    name: str
    suffixes: tuple[str, ...]
    table: str | None  # None: the table depends on the file name (HMIS)
    description: str

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table,) if self.table else (*HMIS_FILES.values(), CUSTOM_TABLE)


SOURCE_KINDS: tuple[SourceKind, ...] = (
    SourceKind("hmis", (".csv", ".zip"), None, "HUD HMIS CSV exports, one folder or zip each"),
    SourceKind("intake", (".csv",), "intake_submissions", "Intake form submissions"),
    SourceKind("notes", (".jsonl", ".csv"), "case_notes", "Case notes"),
    SourceKind("surveys", (".csv",), "survey_responses", "Follow-up survey responses"),
    SourceKind("screens", (".csv",), "screens", "Validated screens (PHQ-9, GAD-7)"),
    SourceKind("plans", (".csv",), "plan_milestones", "Service-plan milestones"),
)
SOURCES_BY_NAME = {kind.name: kind for kind in SOURCE_KINDS}


@dataclass(frozen=True)
class DropFile:
    """One file of a drop: its name, where it is in the landing folder, how to read it."""

    name: str
    relative: str
    table: str | None  # None: not a CSV file (reported, not loaded)
    read: Callable[[], bytes] = field(compare=False, repr=False)
    path: Path | None = None  # where the bytes are on disk (not for a zip's members)


@dataclass(frozen=True)
class Drop:
    kind: SourceKind
    site: str
    name: str  # the export folder or zip stem for HMIS, the file name otherwise
    relative: str
    files: tuple[DropFile, ...]
    error: str | None = None  # a drop that cannot even be opened (a damaged zip)

    def file(self, name: str) -> DropFile | None:
        return next((f for f in self.files if f.name == name), None)


def _reader(path: Path) -> Callable[[], bytes]:
    return path.read_bytes


def _hmis_files(files: list[DropFile]) -> tuple[DropFile, ...]:
    return tuple(sorted(files, key=lambda f: (HMIS_ORDER.get(f.name, len(HMIS_ORDER)), f.name)))


def _zip_drop(kind: SourceKind, site: str, path: Path, landing: Path) -> Drop:
    relative = path.relative_to(landing).as_posix()
    try:
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()
            names = [n for n in archive.namelist() if not n.endswith("/")]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return Drop(kind, site, path.stem, relative, (), error=f"{relative}: damaged zip: {exc}")
    if damaged is not None:
        return Drop(kind, site, path.stem, relative, (),
                    error=f"{relative}: damaged zip: member {damaged} fails its CRC check")

    def member(name: str) -> Callable[[], bytes]:
        def read() -> bytes:
            with zipfile.ZipFile(path) as archive:
                return archive.read(name)
        return read

    files = [DropFile(hud_name(Path(n).name), f"{relative}!{n}",
                      _hmis_table(hud_name(Path(n).name)), member(n))
             for n in names]
    return Drop(kind, site, path.stem, relative, _hmis_files(files))


def discover(landing_dir: Path, kind: SourceKind) -> list[Drop]:
    """Every drop of one kind under the landing folder, in a stable order."""
    root = landing_dir / kind.name
    if not root.is_dir():
        return []
    drops: list[Drop] = []
    for site_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        site = site_dir.name
        if kind.name == "hmis":
            for entry in sorted(site_dir.iterdir()):
                if entry.is_dir():
                    files = [DropFile(hud_name(p.name), p.relative_to(landing_dir).as_posix(),
                                      _hmis_table(hud_name(p.name)), _reader(p), p)
                             for p in entry.iterdir() if p.is_file()]
                    drops.append(Drop(kind, site, entry.name,
                                      entry.relative_to(landing_dir).as_posix(),
                                      _hmis_files(files)))
                elif entry.suffix.lower() == ".zip":
                    drops.append(_zip_drop(kind, site, entry, landing_dir))
            continue
        for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
            if path.suffix.lower() in kind.suffixes:
                relative = path.relative_to(landing_dir).as_posix()
                only = DropFile(path.name, relative, kind.table, _reader(path), path)
                drops.append(Drop(kind, site, path.name, relative, (only,)))
    return drops
