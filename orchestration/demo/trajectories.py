"""Scripted trajectories: each true person's dated events, checked against the rules.

A script is drafted from the trajectory's intent (moving, slowing, follow-up overdue,
stalled, closed), then graded by `grading.grade` on all of the person's records across
sites. A draft whose computed grade differs from the intent, or whose deciding dates sit
within a week of a threshold, is thrown away and redrafted from the next random stream.
"""

from __future__ import annotations

import random
from datetime import date

from orchestration.demo import notes_text
from orchestration.demo.dates import add_months, between, days
from orchestration.demo.faults import add_deleted_rows, bad_codes
from orchestration.demo.grading import MARGIN_DAYS, Grade, facts_of, grade, margin_problems, near
from orchestration.demo.model import (
    Duplicate,
    Enrollment,
    Income,
    LivingCheck,
    Milestone,
    Note,
    PersonScript,
    Screen,
    Service,
    SurveyResponse,
)
from orchestration.demo.people import make_identity, variant_identity
from orchestration.demo.sites import PROGRAM_TYPES, SITES, WORKERS_PER_SITE
from orchestration.demo.truth_rubric import Rubric

TRAJECTORIES: tuple[tuple[str, float, str], ...] = (
    ("moving", 0.35, "green"),
    ("slowing", 0.18, "amber"),
    ("followup_overdue", 0.10, "amber"),
    ("stalled", 0.27, "red"),
    ("closed", 0.10, "closed"),
)
PROGRAM_WEIGHTS = (20, 12, 15, 15, 15, 23)  # per sites.PROGRAM_TYPES
STALL_REASONS = (
    "transportation",
    "childcare",
    "physical_health",
    "mental_health",
    "lost_contact",
    "missing_documents",
    "housing_loss",
    "benefits_pending",
)
PERMANENT = (410, 435, 422, 423, 411, 421)
NON_PERMANENT = (116, 101, 312, 313, 314, 302, 206, 207, 17)
ENTRY_SITUATIONS = (101, 101, 116, 116, 118, 312, 313, 314, 206, 215)
# HUD FY2024 living situations: 116 = place not meant for habitation, 101 = emergency shelter.
OUTREACH_SITUATIONS = (
    (116, "Under the 5th St bridge"),
    (116, "Behind the bus depot"),
    (101, "Main St shelter"),
    (116, "Riverside encampment"),
    (314, "Budget Inn, room 12"),
    (313, "Friend's couch on Elm"),
)
MILESTONES = {  # kind -> (goal, milestone_type)
    "document": ("documents", "document"),
    "credential": ("education", "credential"),
    "benefit_approved": ("income", "benefit_approved"),
    "housing_application": ("housing", "housing_application"),
    "health_appointment": ("health", "health_appointment"),
    "other": ("education", "other"),
}
IN_PROGRESS = (
    ("housing", "Submit housing applications", "housing_application"),
    ("employment", "Apply to three jobs a week", "other"),
    ("income", "Apply for SNAP", "benefit_approved"),
    ("health", "Schedule a dental visit", "health_appointment"),
    ("education", "Sign up for GED classes", "credential"),
)
BENEFIT_SOURCES = (
    ("SSI", "SSI"),
    ("SSDI", "SSDI"),
    ("TANF", "TANF"),
    ("Unemployment", "unemployment"),
)
SCREEN_ITEMS = {"PHQ-9": 9, "GAD-7": 7}
MAX_ATTEMPTS = 40


def _weighted(rng: random.Random, items: tuple, weights: tuple) -> object:
    return rng.choices(items, weights=weights)[0]


def script_person(seed: int, index: int, as_of: date, rubric: Rubric) -> tuple[PersonScript, Grade]:
    """Draft, grade and (if needed) redraft person `index` until the rules agree with the intent."""
    base = random.Random(f"{seed}:{index}")
    trajectory, _, intended = _weighted(base, TRAJECTORIES, tuple(t[1] for t in TRAJECTORIES))
    site = _weighted(base, SITES, tuple(s.share for s in SITES))
    identity = make_identity(base, index, as_of, site.city, site.zip3)
    has_duplicate = base.random() < 0.08
    deleted_client = base.random() < 0.01
    worker = base.randint(1, WORKERS_PER_SITE)
    for attempt in range(MAX_ATTEMPTS):
        rng = random.Random(f"{seed}:{index}:{attempt}")
        person = PersonScript(
            index=index,
            true_person=f"T{index + 1:07d}",
            home_site=site.slug,
            trajectory=trajectory,
            identity=identity,
            worker=worker,
            base_income=0 if rng.random() < 0.4 else rng.randrange(200, 1300, 25),
            deleted_client=deleted_client,
        )
        _Draft(rng, person, as_of, rubric).run(has_duplicate)
        facts = facts_of(person)
        result = grade(facts, as_of, rubric)
        if (
            result
            and result.grade == intended
            and not margin_problems(facts, result, as_of, rubric)
        ):
            add_deleted_rows(rng, person, result, as_of, rubric)
            return person, result
    raise RuntimeError(f"could not script person {index} as {trajectory} in {MAX_ATTEMPTS} drafts")


class _Draft:
    """One attempt at a person's history; methods append events to the PersonScript."""

    def __init__(self, rng: random.Random, person: PersonScript, as_of: date, rubric: Rubric):
        self.rng = rng
        self.p = person
        self.ident = person.identity
        self.D = as_of
        self.rubric = rubric
        self.screen_state: dict[str, tuple[date, int]] = {}

    def run(self, with_duplicate: bool) -> None:
        if self.p.trajectory == "closed":
            self._closed()
        else:
            self._active()
        if with_duplicate:
            self._duplicate()
        self._settle_incomes()

    # ---- primitives -----------------------------------------------------------------

    def _enroll(
        self, project_type: int, entry: date, role: str, site: str | None = None
    ) -> Enrollment:
        enrollment = Enrollment(
            site or self.p.home_site,
            project_type,
            entry,
            role=role,
            living_situation=self.rng.choice(ENTRY_SITUATIONS),
        )
        self.p.enrollments.append(enrollment)
        self._note(entry, enrollment, *notes_text.intake(self.rng, self.ident))
        self._income(entry, enrollment, 1)
        return enrollment

    def _note(
        self,
        day: date,
        enrollment: Enrollment,
        note_type: str,
        text: str,
        progress: bool = False,
        prompt_injection: bool = False,
    ) -> None:
        self.p.notes.append(Note(day, enrollment, note_type, text, progress, prompt_injection))

    def _income(
        self,
        day: date,
        enrollment: Enrollment,
        stage: int,
        raise_by: int = 0,
        source: str = "Earned",
    ) -> None:
        """One IncomeBenefits record; a day that already has one keeps it (no same-day ties)."""
        if any(i.day == day for i in self.p.incomes):
            return
        self.p.incomes.append(Income(day, enrollment, stage, raise_by, source))

    def _contact(self, day: date, enrollment: Enrollment) -> None:
        """A routine touchpoint through whichever channel this program uses."""
        roll = self.rng.random()
        if enrollment.project_type == 4 and roll < 0.45:
            situation, location = self.rng.choice(OUTREACH_SITUATIONS)
            self.p.living_checks.append(LivingCheck(day, enrollment, situation, location))
        elif roll < 0.33:
            self.p.services.append(Service(day, enrollment))
        else:
            self._note(day, enrollment, *notes_text.routine(self.rng, self.ident))

    def _contact_days(self, start: date, end: date, cadence: int) -> list[date]:
        """Contact dates after `start` ending exactly at `end`: sparse history, then regular."""
        if end <= start:
            return []
        found: list[date] = []
        day = start
        while True:
            if (end - day).days <= 120:
                day += days(self.rng.randint(max(4, cadence // 2), max(5, cadence - 4)))
            else:
                day += days(self.rng.randint(20, 45))
            if day >= end:
                break
            found.append(day)
        found.append(end)
        return found

    def _contacts(
        self, enrollments: list[Enrollment], start: date, end: date, cadence: int
    ) -> None:
        for day in self._contact_days(start, end, cadence):
            eligible = [
                e for e in enrollments if e.entry <= day and (e.exit is None or day <= e.exit)
            ]
            self._contact(day, self.rng.choice(eligible or enrollments))

    def _movement_days(self, start: date, last: date) -> list[date]:
        found: list[date] = []
        day = start + days(self.rng.randint(10, 40))
        while day < last - days(10) and len(found) < 5:
            found.append(day)
            day += days(self.rng.randint(25, 75))
        return found + [last]

    def _screen(self, day: date, enrollment: Enrollment, instrument: str, total: int) -> None:
        n = SCREEN_ITEMS[instrument]
        items = [0] * n
        for _ in range(total):
            i = self.rng.choice([k for k in range(n) if items[k] < 3])
            items[i] += 1
        self.p.screens.append(Screen(day, enrollment, instrument, tuple(items)))
        self.screen_state[instrument] = (day, total)

    def _initial_screens(self, day: date, enrollment: Enrollment) -> None:
        if self.rng.random() < 0.55:
            self._screen(
                day + days(self.rng.randint(1, 4)), enrollment, "PHQ-9", self.rng.randint(12, 22)
            )
        if self.rng.random() < 0.3:
            self._screen(
                day + days(self.rng.randint(1, 4)), enrollment, "GAD-7", self.rng.randint(10, 17)
            )

    def _milestone(
        self,
        day: date,
        enrollment: Enrollment,
        goal: str,
        text: str,
        kind: str,
        status: str,
        stall_reason: str = "",
    ) -> None:
        self.p.milestones.append(Milestone(day, enrollment, goal, text, kind, status, stall_reason))

    def _move(self, day: date, enrollment: Enrollment) -> None:
        """One movement event of a random kind, always with a same-day progress note."""
        rng = self.rng
        options = ["milestone", "milestone", "income"]
        if enrollment.project_type in (3, 13) and enrollment.move_in is None:
            options += ["move_in", "move_in"]
        improvable = [
            name
            for name, (last_day, total) in sorted(self.screen_state.items())
            if last_day < day and total >= self.rubric.minimal_change(name)
        ]
        if improvable:
            options.append("screen")
        kind = rng.choice(options)
        if kind == "move_in":
            enrollment.move_in = day
            text = notes_text.progress(rng, self.ident, "move_in")
        elif kind == "screen":
            instrument = rng.choice(improvable)
            before = self.screen_state[instrument][1]
            minimal = self.rubric.minimal_change(instrument)
            after = max(0, before - rng.randint(minimal, minimal + 4))
            self._screen(day, enrollment, instrument, after)
            text = notes_text.progress(
                rng,
                self.ident,
                "screen_improved",
                instrument=instrument,
                before=before,
                after=after,
            )
        elif kind == "income" and rng.random() < 0.6:
            employer = rng.choice(notes_text.EMPLOYERS)
            self._milestone(
                day, enrollment, "employment", f"Start job at {employer}", "job_start", "met"
            )
            self._income(day, enrollment, 2, rng.randint(600, 1800), "Earned")
            text = notes_text.progress(rng, self.ident, "job_start", employer=employer)
        elif kind == "income":
            source, label = rng.choice(BENEFIT_SOURCES)
            self._income(day, enrollment, 2, rng.randint(300, 950), source)
            text = notes_text.progress(rng, self.ident, "benefit_income", benefit=label)
        else:
            text = self._milestone_met(day, enrollment)
        self._note(day, enrollment, rng.choice(("office_visit", "contact")), text, progress=True)

    def _milestone_met(self, day: date, enrollment: Enrollment) -> str:
        rng = self.rng
        kinds = sorted(MILESTONES)
        if self.p.trajectory == "stalled":  # document wording overlaps the stall taxonomy
            kinds.remove("document")
        kind = rng.choice(kinds)
        goal, milestone_type = MILESTONES[kind]
        details: dict[str, object] = {}
        if kind == "document":
            details["doc"] = rng.choice(notes_text.DOCUMENTS)
            text = f"Obtain {details['doc']}"
        elif kind == "credential":
            details["course"] = rng.choice(notes_text.COURSES)
            text = f"Complete {details['course']} course"
        else:
            text = {
                "benefit_approved": "SNAP approved",
                "housing_application": "Housing application approved",
                "health_appointment": "First clinic visit",
                "other": "Enroll in financial literacy class",
            }[kind]
        self._milestone(day, enrollment, goal, text, milestone_type, "met")
        return notes_text.progress(rng, self.ident, kind, **details)

    def _in_progress(self, enrollment: Enrollment, start: date, end: date) -> None:
        for _ in range(self.rng.randint(0, 2)):
            goal, text, kind = self.rng.choice(IN_PROGRESS)
            self._milestone(
                between(self.rng, start, end), enrollment, goal, text, kind, "in_progress"
            )

    def _survey(self, day: date, survey_type: str, matchable: bool = True) -> None:
        rng = self.rng
        housing = {
            "moving": ("stably_housed", "temporarily_housed"),
            "followup_overdue": ("stably_housed", "temporarily_housed"),
            "slowing": ("temporarily_housed", "homeless", "stably_housed"),
            "stalled": ("homeless", "temporarily_housed", "institution", "unknown"),
            "closed": ("stably_housed", "temporarily_housed", "homeless", "unknown"),
        }[self.p.trajectory]
        self.p.surveys.append(
            SurveyResponse(
                day,
                self.p.home_site,
                survey_type,
                rng.choice(housing),
                rng.choice(("yes", "no", "no", "")),
                "" if rng.random() < 0.3 else str(rng.randrange(0, 2600, 50)),
                matchable,
            )
        )

    def _answer_followups(
        self, baseline: date, latest: date, skip: tuple[str, ...] = (), answer_rate: float = 1.0
    ) -> None:
        """Return each follow-up survey that is due (and some early ones) by `latest`."""
        for followup in self.rubric.followups:
            if followup.survey_type in skip:
                continue
            due = baseline + days(followup.due_days)
            overdue_at = due + days(followup.grace_days + MARGIN_DAYS)
            if overdue_at < self.D:
                day = due + days(self.rng.randint(-10, 20))
            elif due + days(5) <= latest and self.rng.random() < 0.5:
                day = between(self.rng, due, latest)
            else:
                continue
            if day <= latest and self.rng.random() < answer_rate:
                self._survey(day, followup.survey_type)

    def _exit(self, enrollment: Enrollment, day: date, destination: int) -> None:
        enrollment.exit = day
        enrollment.destination = destination

    # ---- active trajectories -------------------------------------------------------

    def _baseline(self, cutoff: date) -> date:
        rng, D = self.rng, self.D
        if self.p.trajectory == "stalled":
            baseline = cutoff - days(rng.randint(MARGIN_DAYS + 11, 420))  # room to move once
        else:
            lo = {"moving": 40, "slowing": 60, "followup_overdue": 135}[self.p.trajectory]
            baseline = D - days(rng.randint(lo, 540))
        while near(baseline, cutoff) or any(
            near(baseline + days(f.due_days + f.grace_days), D) for f in self.rubric.followups
        ):
            baseline -= days(15)
        return baseline

    def _active(self) -> None:
        rng, D = self.rng, self.D
        primary_type = _weighted(rng, PROGRAM_TYPES, PROGRAM_WEIGHTS)
        concurrent = primary_type != 6 and rng.random() < 0.10
        thresholds = self.rubric.thresholds(6 if concurrent else primary_type)
        cadence = thresholds.contact_cadence_days
        cutoff = add_months(D, -thresholds.stall_after_months)
        baseline = self._baseline(cutoff)
        prior = self._prior(baseline, primary_type) if rng.random() < 0.2 else None
        primary = self._enroll(primary_type, baseline, "current")
        open_now = [primary]
        if concurrent:
            latest_entry = {
                "slowing": D - days(cadence + MARGIN_DAYS + 1),  # its intake note is a contact
                "stalled": cutoff - days(MARGIN_DAYS + 1),
            }.get(self.p.trajectory, D - days(10))
            latest_entry = min(latest_entry, baseline + days(150))
            if baseline + days(10) <= latest_entry:
                entry = between(rng, baseline + days(10), latest_entry)
                open_now.append(self._enroll(6, entry, "concurrent"))
        self._initial_screens(baseline, primary)
        if self.p.trajectory in ("moving", "followup_overdue"):
            self._keeps_moving(primary, open_now, baseline, cutoff, cadence, prior)
        elif self.p.trajectory == "slowing":
            self._slowing(primary, open_now, baseline, cutoff, cadence)
        else:
            self._stalled(primary, open_now, baseline, cutoff, cadence)
        self._in_progress(primary, baseline, D)
        if baseline + days(365) < D - days(1):
            self._income(baseline + days(365), primary, 5)

    def _prior(self, baseline: date, primary_type: int) -> Enrollment:
        """An earlier enrollment at the home site that ended on (or just before) the baseline.

        A permanent destination only on the baseline day itself, so no movement ever
        predates the baseline.
        """
        rng = self.rng
        prior = self._enroll(
            rng.choice([t for t in (0, 2, 4) if t != primary_type]),
            baseline - days(rng.randint(40, 300)),
            "prior",
        )
        if rng.random() < 0.6:
            permanent = primary_type in (3, 13) and rng.random() < 0.5
            self._exit(
                prior, baseline, rng.choice(PERMANENT) if permanent else rng.choice(NON_PERMANENT)
            )
        else:
            self._exit(prior, baseline - days(rng.randint(8, 30)), rng.choice(NON_PERMANENT))
        assert prior.exit is not None
        self._contacts([prior], prior.entry, prior.exit, 30)
        return prior

    def _keeps_moving(
        self,
        primary: Enrollment,
        open_now: list[Enrollment],
        baseline: date,
        cutoff: date,
        cadence: int,
        prior: Enrollment | None,
    ) -> None:
        rng, D = self.rng, self.D
        last = between(
            rng, max(baseline + days(5), D - days(45), cutoff + days(MARGIN_DAYS + 1)), D - days(2)
        )
        for day in self._movement_days(baseline, last):
            self._move(day, primary)
        last_contact = between(rng, max(last, D - days(cadence - MARGIN_DAYS - 1)), D)
        self._contacts(open_now, baseline, last_contact, cadence)
        missing: tuple[str, ...] = ()
        if self.p.trajectory == "followup_overdue":
            due = [
                f.survey_type
                for f in self.rubric.followups
                if baseline + days(f.due_days + f.grace_days + MARGIN_DAYS) < D
            ]
            missing = (rng.choice(due),)
            if prior is not None and rng.random() < 0.5:  # answered, but before this baseline
                self._survey(
                    between(rng, prior.entry, baseline - days(MARGIN_DAYS + 1)), missing[0]
                )
        self._answer_followups(baseline, D, skip=missing)

    def _slowing(
        self,
        primary: Enrollment,
        open_now: list[Enrollment],
        baseline: date,
        cutoff: date,
        cadence: int,
    ) -> None:
        rng, D = self.rng, self.D
        quiet_from = D - days(cadence + MARGIN_DAYS + 1)
        last = between(rng, max(baseline + days(5), cutoff + days(MARGIN_DAYS + 1)), quiet_from)
        for day in self._movement_days(baseline, last):
            self._move(day, primary)
        last_contact = between(rng, last, quiet_from)
        self._contacts(open_now, baseline, last_contact, cadence)
        for _ in range(rng.randint(0, 2)):
            self._note(
                between(rng, last_contact + days(1), D),
                primary,
                "attempted_contact",
                notes_text.attempt(rng, self.ident),
            )
        self._answer_followups(baseline, quiet_from)

    def _stalled(
        self,
        primary: Enrollment,
        open_now: list[Enrollment],
        baseline: date,
        cutoff: date,
        cadence: int,
    ) -> None:
        rng, D, p = self.rng, self.D, self.p
        reason = rng.choice(STALL_REASONS)
        mode = _weighted(rng, ("captured", "notes", "none"), (30, 60, 10))
        latest_move = cutoff - days(MARGIN_DAYS + 1)
        since = baseline
        # stall after the last entry and the intake screens, so no contact follows a lost client
        after_intake = len(open_now) > 1 or (reason == "lost_contact" and bool(self.p.screens))
        if after_intake or rng.random() < 0.8:
            since = between(rng, max(baseline + days(10), open_now[-1].entry), latest_move)
            for day in self._movement_days(baseline, since):
                self._move(day, primary)
        self._contacts(open_now, baseline, since, cadence)
        p.stall_reason, p.stalled_since = reason, since
        p.reason_captured = mode == "captured"
        p.reason_in_notes = mode == "notes" or (mode == "captured" and rng.random() < 0.5)
        after = since + days(MARGIN_DAYS)
        if reason == "lost_contact":
            self._lost_touch(primary, after)
            last_contact = since
        else:
            last_contact = self._stall_story(primary, open_now, reason, after, cadence)
        if p.reason_captured:
            goal, text, kind = rng.choice(IN_PROGRESS)
            self._milestone(
                between(rng, after, D - days(1)),
                primary,
                goal,
                text,
                kind,
                "stalled",
                notes_text.captured_reason(rng, reason),
            )
        if reason == "mental_health" and "PHQ-9" in self.screen_state:
            worse = min(27, self.screen_state["PHQ-9"][1] + rng.randint(2, 6))
            self._screen(between(rng, after, last_contact), primary, "PHQ-9", worse)
        # surveys are contacts too: none after the last one, so the contact story holds
        self._answer_followups(baseline, last_contact, answer_rate=0.5)

    def _lost_touch(self, primary: Enrollment, after: date) -> None:
        """Lost-contact clients: after the stall only attempts, never a real contact."""
        rng, p = self.rng, self.p
        for n in range(rng.randint(2, 4)):
            text = (
                notes_text.stall(rng, self.ident, "lost_contact")
                if p.reason_in_notes
                else notes_text.attempt(rng, self.ident)
            )
            inject = n == 0 and rng.random() < 0.08
            if inject:
                text = f"{text} {notes_text.PROMPT_INJECTION}"
            day = between(rng, after, self.D)
            self._note(day, primary, "attempted_contact", text, prompt_injection=inject)

    def _stall_story(
        self,
        primary: Enrollment,
        open_now: list[Enrollment],
        reason: str,
        after: date,
        cadence: int,
    ) -> date:
        """Contacts go on after the stall; some notes tell why nothing moves. Returns the last."""
        rng, D, p = self.rng, self.D, self.p
        quiet_end = D - days(cadence + MARGIN_DAYS + 1)
        if rng.random() < 0.6 or quiet_end < after:
            end = between(rng, max(after, D - days(cadence - MARGIN_DAYS - 1)), D)
        else:
            end = between(rng, after, quiet_end)
        story_days = self._contact_days(after - days(1), end, cadence)
        told = set(rng.sample(range(len(story_days)), min(len(story_days), rng.randint(1, 3))))
        inject = rng.random() < 0.08
        for n, day in enumerate(story_days):
            if n in told and p.reason_in_notes:
                note_type = rng.choice(("contact", "phone", "home_visit"))
                self._note(day, primary, note_type, notes_text.stall(rng, self.ident, reason))
            elif inject and n == len(story_days) - 1:
                note_type, text = notes_text.routine(rng, self.ident)
                self._note(
                    day,
                    primary,
                    note_type,
                    f"{text} {notes_text.PROMPT_INJECTION}",
                    prompt_injection=True,
                )
            else:
                self._contact(day, rng.choice(open_now))
        return end

    # ---- closed and duplicates ---------------------------------------------------------

    def _closed(self) -> None:
        rng, D = self.rng, self.D
        last_exit = D - days(MARGIN_DAYS + 1)
        entry = D - days(rng.randint(150, 900))
        spans = [(entry, min(entry + days(rng.randint(30, 330)), last_exit))]
        second = spans[0][1] + days(rng.randint(1, 45))
        if rng.random() < 0.3 and second + days(20) <= last_exit:
            spans.append((second, min(second + days(rng.randint(20, 250)), last_exit)))
        for n, (start, end) in enumerate(spans):
            enrollment = self._enroll(
                _weighted(rng, PROGRAM_TYPES, PROGRAM_WEIGHTS), start, "closed"
            )
            self._initial_screens(start, enrollment)
            if end - start > days(30):
                for day in self._movement_days(
                    start, between(rng, start + days(12), end - days(5))
                )[:3]:
                    self._move(day, enrollment)
            self._contacts([enrollment], start, end, 30)
            final = n == len(spans) - 1
            destination = rng.choice(
                PERMANENT if (not final or rng.random() < 0.5) else NON_PERMANENT
            )
            self._exit(enrollment, end, destination)
            self._income(end, enrollment, 3)
        if rng.random() < 0.35:
            day = spans[-1][1] + days(rng.randint(30, 150))
            if day <= D:
                self._survey(day, "90_day", matchable=rng.random() >= 0.3)

    def _duplicate(self) -> None:
        """An older, closed stay at a second site under a differently typed identity.

        Exits long before any home-site entry to a non-permanent destination, so it never
        moves the grade; it is graded with the person anyway.
        """
        rng, p = self.rng, self.p
        site = rng.choice([s.slug for s in SITES if s.slug != p.home_site])
        first_entry = min(e.entry for e in p.enrollments)
        exit_day = first_entry - days(rng.randint(30, 400))
        enrollment = self._enroll(
            rng.choice((0, 2, 4, 6)), exit_day - days(rng.randint(7, 120)), "duplicate", site
        )
        enrollment.relationship, enrollment.living_situation = bad_codes(rng, enrollment)
        self._exit(enrollment, exit_day, rng.choice(NON_PERMANENT))
        self._contacts([enrollment], enrollment.entry, exit_day, 30)
        identity, variation = variant_identity(rng, self.ident)
        p.duplicate = Duplicate(site, identity, variation)

    def _settle_incomes(self) -> None:
        """Turn raises into running amounts in date order (pre-baseline records stay flat)."""
        amount = self.p.base_income
        self.p.incomes.sort(key=lambda i: i.day)
        for income in self.p.incomes:
            amount += income.raise_by
            income.amount = amount
