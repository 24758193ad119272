"""Generate the demo agency: landing files for the pipeline, truth files for the tests.

People are scripted and written one at a time, so memory stays flat from 500 to 1,000,000
people; every random choice comes from a stream seeded by (seed, person index), so the
same seed, size and as-of date give byte-identical files.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from orchestration.demo.faults import FaultNote, client_quality, deleted_row, enrollment_faults
from orchestration.demo.grading import Grade
from orchestration.demo.hmis import HmisExport
from orchestration.demo.model import Enrollment, PersonScript
from orchestration.demo.site_files import SiteSources
from orchestration.demo.sites import BAD_PROJECT_TYPE, SITE_BY_SLUG, SITES
from orchestration.demo.tables import Outputs
from orchestration.demo.trajectories import script_person
from orchestration.demo.truth import Truth
from orchestration.demo.truth_rubric import load_rubric

GENERATOR_VERSION = "1.0"
GRADES = ("green", "amber", "red", "closed")


@dataclass(frozen=True)
class GenerationSummary:
    people: int
    person_records: int
    files_written: int
    rows_written: int
    grades: tuple[tuple[str, int], ...]

    def __str__(self) -> str:
        grades = ", ".join(f"{name} {count}" for name, count in self.grades)
        return (
            f"{self.people} people, {self.person_records} person records, "
            f"{self.rows_written} rows in {self.files_written} files ({grades})"
        )


def generate_agency(
    out_dir: Path, people: int = 500, seed: int = 7, as_of: date | None = None
) -> GenerationSummary:
    """Write out_dir/landing (per docs/contracts.md) and out_dir/truth, overwriting files."""
    as_of = as_of or date.today()
    out_dir = Path(out_dir)
    rubric = load_rubric()
    landing, truth_files = Outputs(out_dir / "landing"), Outputs(out_dir / "truth")
    grades = dict.fromkeys(GRADES, 0)
    try:
        agency = _Agency(landing, Truth(truth_files), seed, as_of)
        for index in range(people):
            person, result = script_person(seed, index, as_of, rubric)
            agency.write(person, result)
            grades[result.grade] += 1
        person_records = agency.truth.records.rows
    finally:
        landing.close()
        truth_files.close()
    meta = {
        "seed": seed,
        "people": people,
        "as_of": as_of.isoformat(),
        "sites": [
            {
                "site": s.slug,
                "fiscal_year": s.fiscal_year,
                "export_id": agency.hmis[s.slug].export_id,
            }
            for s in SITES
        ],
        "generator_version": GENERATOR_VERSION,
    }
    (out_dir / "truth" / "meta.json").write_text(
        json.dumps(meta, indent=2) + "\n", encoding="utf-8"
    )
    return GenerationSummary(
        people=people,
        person_records=person_records,
        files_written=len(landing.files) + len(truth_files.files) + 1,
        rows_written=landing.rows + truth_files.rows,
        grades=tuple(grades.items()),
    )


class _Agency:
    """The open writers of every site plus the truth files; `write` renders one person."""

    def __init__(self, landing: Outputs, truth: Truth, seed: int, as_of: date):
        self.seed = seed
        self.truth = truth
        self.hmis = {s.slug: HmisExport(landing, s, as_of) for s in SITES}
        self.sources = {s.slug: SiteSources(landing, s, as_of) for s in SITES}
        for export in self.hmis.values():
            if export.bad_project_row:
                truth.fault(
                    "bad_code",
                    export.path("Project.csv"),
                    export.bad_project_row,
                    "ProjectType",
                    f"{BAD_PROJECT_TYPE} is not a HUD project type",
                )
        for slug, sources in self.sources.items():
            for table, (_, encoding) in zip(
                sources.intake_tables, SITE_BY_SLUG[slug].intake_files, strict=True
            ):
                if encoding != "utf-8":
                    truth.fault(
                        f"encoding_{encoding.replace('-', '_')}",
                        table.relative,
                        "",
                        "",
                        f"file saved as {encoding}",
                    )

    def _log(self, file: str, row: int, faults: list[FaultNote]) -> None:
        for fault, field, detail in faults:
            self.truth.fault(fault, file, row, field, detail)

    def write(self, person: PersonScript, result: Grade) -> None:
        rng = random.Random(f"{self.seed}:{person.index}:render")
        tp = person.true_person
        pids = {site: self.hmis[site].ids["client"].next() for site in person.sites()}
        self._clients(rng, person, pids)
        enrollment_ids: dict[int, str] = {}
        for enrollment in person.enrollments:
            enrollment_ids[id(enrollment)] = self._enrollment(rng, person, pids, enrollment)

        def keys(enrollment: Enrollment) -> tuple[HmisExport, str, str]:
            site = enrollment.site
            return self.hmis[site], enrollment_ids[id(enrollment)], pids[site]

        for service in person.services:
            export, eid, pid = keys(service.enrollment)
            row = export.service(rng, eid, pid, service, person.worker)
            self._log(
                export.path("Services.csv"), row, deleted_row("Services.csv", service.deleted)
            )
        for check in person.living_checks:
            export, eid, pid = keys(check.enrollment)
            export.living_check(rng, eid, pid, check, person.worker)
        for income in person.incomes:
            export, eid, pid = keys(income.enrollment)
            export.income(rng, eid, pid, income, person.worker)
        for note in person.notes:
            site = note.enrollment.site
            row, faults = self.sources[site].note(
                rng, note, person.identity, pids[site], person.worker
            )
            self._log(self.sources[site].notes.relative, row, faults)
        for screen in person.screens:
            self.sources[screen.enrollment.site].screen(screen, pids[screen.enrollment.site])
        for milestone in person.milestones:
            self.sources[milestone.enrollment.site].milestone(
                milestone, pids[milestone.enrollment.site]
            )
        self._intakes(rng, person, pids)
        for response in person.surveys:
            sources = self.sources[response.site]
            response_id, row, faults = sources.survey(rng, response, person.identity)
            self.truth.record("survey", response.site, response_id, tp)
            self._log(sources.surveys.relative, row, faults)
        self.truth.person(person, result)

    def _clients(self, rng: random.Random, person: PersonScript, pids: dict[str, str]) -> None:
        """Client rows: home, an optional stale deleted copy, and the second-site duplicate."""
        records = [(person.home_site, person.identity, "")]
        if person.duplicate:
            records.append(
                (person.duplicate.site, person.duplicate.identity, person.duplicate.variation)
            )
        for site, identity, variation in records:
            export = self.hmis[site]
            first_day = min(e.entry for e in person.enrollments if e.site == site)
            quality, faults = client_quality(rng, identity)
            if variation:
                faults.append(
                    ("duplicate_person", "PersonalID", f"also at {person.home_site}: {variation}")
                )
            row = export.client(rng, pids[site], identity, quality, first_day, person.worker)
            self._log(export.path("Client.csv"), row, faults)
            self.truth.record("hmis", site, pids[site], person.true_person)
            if site == person.home_site and person.deleted_client:
                stale = export.ids["client"].next()
                row = export.client(
                    rng, stale, identity, quality, first_day, person.worker, deleted=True
                )
                self._log(export.path("Client.csv"), row, deleted_row("Client.csv", True))

    def _enrollment(
        self, rng: random.Random, person: PersonScript, pids: dict[str, str], enrollment: Enrollment
    ) -> str:
        export = self.hmis[enrollment.site]
        eid = export.ids["enrollment"].next()
        pid = pids[enrollment.site]
        row = export.enrollment(rng, eid, pid, enrollment, person.worker)
        self._log(export.path("Enrollment.csv"), row, enrollment_faults(enrollment))
        if enrollment.exit is not None:
            row = export.exit(rng, eid, pid, enrollment, person.worker)
            self._log(
                export.path("Exit.csv"), row, deleted_row("Exit.csv", enrollment.exit_deleted)
            )
        return eid

    def _intakes(self, rng: random.Random, person: PersonScript, pids: dict[str, str]) -> None:
        """Intake submissions: always one for the first home stay (with phone and email)."""
        client_ids: dict[str, str] = {}
        first = True
        for enrollment in person.enrollments:
            if enrollment.deleted:
                continue
            duplicate = enrollment.role == "duplicate"
            if rng.random() >= (0.5 if duplicate else 1.0 if first else 0.4):
                continue
            site = enrollment.site
            sources = self.sources[site]
            if site not in client_ids:
                client_ids[site] = sources.next_id("intake_client")
            identity = (
                person.duplicate.identity if duplicate and person.duplicate else person.identity
            )
            file, submission_id, row, faults = sources.intake(
                rng,
                identity,
                pids[site],
                client_ids[site],
                enrollment.entry,
                enrollment.project_type,
                person.base_income,
                complete=first and not duplicate,
            )
            if not duplicate:
                first = False
            self.truth.record("intake", site, submission_id, person.true_person)
            self._log(file, row, faults)
