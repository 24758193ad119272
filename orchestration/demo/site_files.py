"""A site's non-HMIS files: intake forms, case notes, surveys, screens and plan milestones.

Each writer returns the row it wrote plus any faults it introduced while rendering, so the
generator can log them against the exact file and row.
"""

from __future__ import annotations

import random
from datetime import date

from orchestration.demo import notes_text
from orchestration.demo.dates import days, stamp
from orchestration.demo.faults import FaultNote, note_markup
from orchestration.demo.model import Milestone, Note, Screen, SurveyResponse
from orchestration.demo.people import (
    Identity,
    fold_to_cp1252,
    format_phone,
    nickname,
    vary_email,
    vary_typing,
)
from orchestration.demo.sites import PROJECTS, Site
from orchestration.demo.tables import JsonLines, Outputs, Table
from orchestration.layouts import INTAKE, MILESTONES, NOTES, SCREENS, SURVEYS

ID_FORMATS = {
    "submission": "SUB-{n:07d}",
    "intake_client": "IC{n:06d}",
    "note": "N{n:07d}",
    "response": "R{n:07d}",
    "screen": "SCR{n:07d}",
    "milestone": "MS{n:07d}",
}


class SiteSources:
    def __init__(self, outputs: Outputs, site: Site, as_of: date):
        slug = site.slug
        self.site = site
        self.as_of = as_of
        self.intake_tables: list[Table] = [
            outputs.table(
                f"intake/{slug}/{name}",
                INTAKE,
                encoding=encoding,
                newline="\r\n" if encoding == "cp1252" else "\n",
                fold=fold_to_cp1252 if encoding == "cp1252" else None,
            )
            for name, encoding in site.intake_files
        ]
        notes_path = f"notes/{slug}/{site.notes_file}"
        self.notes: Table | JsonLines = (
            outputs.json_lines(notes_path, NOTES)
            if notes_path.endswith(".jsonl")
            else outputs.table(notes_path, NOTES)
        )
        self.surveys = outputs.table(f"surveys/{slug}/followup_responses.csv", SURVEYS)
        self.screens = outputs.table(f"screens/{slug}/screens.csv", SCREENS)
        self.milestones = outputs.table(f"plans/{slug}/milestones.csv", MILESTONES)
        self._counters = dict.fromkeys(ID_FORMATS, 0)

    def next_id(self, kind: str) -> str:
        self._counters[kind] += 1
        return ID_FORMATS[kind].format(n=self._counters[kind])

    def intake(
        self,
        rng: random.Random,
        ident: Identity,
        personal_id: str,
        client_id: str,
        entry: date,
        project_type: int,
        income: int,
        complete: bool,
    ) -> tuple[str, str, int, list[FaultNote]]:
        """One intake submission; `complete` keeps phone and email (surveys match on them)."""
        faults: list[FaultNote] = []
        table = (
            self.intake_tables[1]
            if len(self.intake_tables) > 1 and rng.random() < 0.35
            else self.intake_tables[0]
        )
        first, last = ident.first, ident.last
        if rng.random() < 0.06 and nickname(first):
            first = nickname(first) or first
            faults.append(("nickname", "first_name", f"{ident.first} typed as {first}"))
        if rng.random() < 0.12:
            first, last = vary_typing(rng, first), vary_typing(rng, last)
            faults.append(
                ("name_case_whitespace", "first_name", "case or whitespace differs from HMIS")
            )
        if table.fold is not None and table.fold(first + last) != first + last:
            faults.append(
                ("cp1252_transliterated", "last_name", "characters outside Windows-1252 folded")
            )
        submission_id = self.next_id("submission")
        row = table.write(
            {
                "submission_id": submission_id,
                "intake_client_id": client_id,
                "hmis_personal_id": personal_id if rng.random() < 0.6 else "",
                "submitted_at": stamp(rng, entry - days(rng.randint(0, 10)), latest=self.as_of),
                "first_name": first,
                "last_name": last,
                "dob": "" if rng.random() < 0.04 else ident.dob.isoformat(),
                "ssn_last4": "" if rng.random() < 0.25 else ident.ssn[-4:],
                "phone": format_phone(rng, ident.phone) if complete or rng.random() < 0.85 else "",
                "email": vary_email(rng, ident.email) if complete or rng.random() < 0.8 else "",
                "street_address": "" if rng.random() < 0.1 else ident.street,
                "city": ident.city,
                "zip": ident.zip,
                "program": rng.choice(PROJECTS[project_type][1]),
                "household_size": 1 if rng.random() < 0.7 else rng.randint(2, 5),
                "employed": rng.choice(("yes", "no", "no", "")),
                "monthly_income": "" if rng.random() < 0.2 else income,
            }
        )
        return table.relative, submission_id, row, faults

    def note(
        self, rng: random.Random, note: Note, ident: Identity, personal_id: str, worker: int
    ) -> tuple[int, list[FaultNote]]:
        faults: list[FaultNote] = []
        html, script = note_markup(rng, self.site.html_notes)
        text = notes_text.as_html(rng, ident, note.text, script) if html else note.text
        if html:
            faults.append(("html_in_note", "text", "note exported from a rich-text editor"))
        if script:
            faults.append(("script_in_note", "text", notes_text.SCRIPT_TAG))
        if note.prompt_injection:
            faults.append(("prompt_injection", "text", "note text addressed to a language model"))
        row = self.notes.write(
            {
                "note_id": self.next_id("note"),
                "personal_id": personal_id,
                "note_date": note.day.isoformat(),
                "author_id": f"cw-{self.site.slug}-{worker:02d}",
                "note_type": note.note_type,
                "text": text,
            }
        )
        return row, faults

    def survey(
        self, rng: random.Random, response: SurveyResponse, ident: Identity
    ) -> tuple[str, int, list[FaultNote]]:
        """A survey-tool response: name, email and phone as the respondent typed them."""
        faults: list[FaultNote] = []
        first = ident.first
        if rng.random() < 0.1 and nickname(first):
            first = nickname(first) or first
        email = phone = ""
        if response.matchable:
            shape = rng.random()
            email = vary_email(rng, ident.email) if shape < 0.75 else ""
            phone = format_phone(rng, ident.phone) if shape >= 0.5 else ""
        else:
            faults.append(("unmatchable_survey", "email", "no email or phone given"))
        response_id = self.next_id("response")
        row = self.surveys.write(
            {
                "response_id": response_id,
                "survey_type": response.survey_type,
                "submitted_at": stamp(rng, response.day, latest=self.as_of),
                "first_name": vary_typing(rng, first) if rng.random() < 0.1 else first,
                "last_name": ident.last,
                "email": email,
                "phone": phone,
                "housing_status": response.housing_status,
                "employed": response.employed,
                "monthly_income": response.monthly_income,
            }
        )
        return response_id, row, faults

    def screen(self, screen: Screen, personal_id: str) -> int:
        row: dict[str, object] = {
            "screen_id": self.next_id("screen"),
            "personal_id": personal_id,
            "instrument": screen.instrument,
            "screen_date": screen.day.isoformat(),
            "total_score": screen.total,
        }
        row.update({f"item_{i}": score for i, score in enumerate(screen.items, start=1)})
        return self.screens.write(row)

    def milestone(self, milestone: Milestone, personal_id: str) -> int:
        return self.milestones.write(
            {
                "milestone_id": self.next_id("milestone"),
                "personal_id": personal_id,
                "goal": milestone.goal,
                "milestone": milestone.milestone,
                "milestone_type": milestone.milestone_type,
                "status": milestone.status,
                "status_date": milestone.day.isoformat(),
                "stall_reason": milestone.stall_reason,
            }
        )
