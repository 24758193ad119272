"""The source kinds caseintel ingests and the raw table each landing file feeds.

This is the landing contract in code form; docs/contracts.md is the same in prose.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# HMIS CSV file name -> raw table. Files of an export not listed here are not ingested yet.
HMIS_FILES: dict[str, str] = {
    "Export.csv": "hmis_export",
    "Organization.csv": "hmis_organization",
    "Project.csv": "hmis_project",
    "Client.csv": "hmis_client",
    "Enrollment.csv": "hmis_enrollment",
    "Exit.csv": "hmis_exit",
    "Services.csv": "hmis_services",
    "CurrentLivingSituation.csv": "hmis_current_living_situation",
    "IncomeBenefits.csv": "hmis_income_benefits",
}


@dataclass(frozen=True)
class SourceKind:
    """One kind of landing file: where it lands, what it looks like, which raw table it feeds."""

    name: str
    suffixes: tuple[str, ...]
    table: str | None  # None: the table depends on the file name (HMIS)
    description: str

    def table_for(self, path: Path) -> str | None:
        if self.table is not None:
            return self.table if path.suffix.lower() in self.suffixes else None
        return HMIS_FILES.get(path.name)

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table,) if self.table else tuple(HMIS_FILES.values())


SOURCE_KINDS: tuple[SourceKind, ...] = (
    SourceKind("hmis", (".csv",), None, "HUD HMIS CSV exports, one folder per export"),
    SourceKind("intake", (".csv",), "intake_submissions", "Intake form submissions"),
    SourceKind("notes", (".jsonl", ".csv"), "case_notes", "Case notes"),
    SourceKind("surveys", (".csv",), "survey_responses", "Follow-up survey responses"),
    SourceKind("screens", (".csv",), "screens", "Validated screens (PHQ-9, GAD-7)"),
    SourceKind("plans", (".csv",), "plan_milestones", "Service-plan milestones"),
)
SOURCES_BY_NAME = {kind.name: kind for kind in SOURCE_KINDS}


@dataclass(frozen=True)
class LandingFile:
    """A file found in the landing folder, with what the path tells about it."""

    path: Path
    relative: str
    kind: SourceKind
    site: str
    table: str
    export_dir: str | None


def discover(landing_dir: Path, kind: SourceKind) -> list[LandingFile]:
    """Every file of one kind under the landing folder, in a stable order.

    HMIS Export.csv files come first within each export so the export's CSV version is
    known before its other files load.
    """
    root = landing_dir / kind.name
    if not root.is_dir():
        return []
    found: list[LandingFile] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        table = kind.table_for(path)
        parts = path.relative_to(root).parts
        if table is None or len(parts) < 2:
            continue
        export_dir = parts[1] if kind.name == "hmis" and len(parts) >= 3 else None
        if kind.name == "hmis" and export_dir is None:
            continue
        found.append(
            LandingFile(
                path=path,
                relative=path.relative_to(landing_dir).as_posix(),
                kind=kind,
                site=parts[0],
                table=table,
                export_dir=export_dir,
            )
        )
    found.sort(key=lambda f: (f.site, f.export_dir or "", f.path.name != "Export.csv", f.relative))
    return found
