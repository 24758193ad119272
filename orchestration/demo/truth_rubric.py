"""The momentum rubric as the demo's ground truth reads it.

Deliberately independent of the pipeline's own rubric loader: the truth oracle must not
share code (and therefore bugs) with the thing it grades.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_RUBRIC = Path(__file__).resolve().parents[2] / "rubrics" / "momentum.yaml"


@dataclass(frozen=True)
class Thresholds:
    stall_after_months: int
    contact_cadence_days: int


@dataclass(frozen=True)
class Followup:
    survey_type: str
    due_days: int
    grace_days: int


@dataclass(frozen=True)
class Rubric:
    defaults: Thresholds
    programs: tuple[tuple[int, Thresholds], ...]
    followups: tuple[Followup, ...]
    screen_minimal_change: tuple[tuple[str, int], ...]
    permanent_destinations: frozenset[int]
    stall_reasons: tuple[tuple[str, tuple[str, ...]], ...]

    def thresholds(self, project_type: int) -> Thresholds:
        for program_type, thresholds in self.programs:
            if program_type == project_type:
                return thresholds
        return self.defaults

    def minimal_change(self, instrument: str) -> int:
        return dict(self.screen_minimal_change)[instrument]

    def reason_cluster(self, text: str) -> str:
        """First taxonomy key whose phrase occurs in the text, else `other` (the rubric rule)."""
        lowered = text.lower()
        for key, phrases in self.stall_reasons:
            if any(phrase in lowered for phrase in phrases):
                return key
        return "other"

    @property
    def reason_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.stall_reasons)


def load_rubric(path: Path = DEFAULT_RUBRIC) -> Rubric:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    base = data["defaults"]
    defaults = Thresholds(int(base["stall_after_months"]), int(base["contact_cadence_days"]))
    programs = tuple(
        (
            int(p["project_type"]),
            Thresholds(
                int(p.get("stall_after_months", defaults.stall_after_months)),
                int(p.get("contact_cadence_days", defaults.contact_cadence_days)),
            ),
        )
        for p in data.get("programs") or []
    )
    return Rubric(
        defaults=defaults,
        programs=programs,
        followups=tuple(
            Followup(str(f["survey_type"]), int(f["due_days"]), int(f.get("grace_days", 0)))
            for f in data.get("followups") or []
        ),
        screen_minimal_change=tuple(
            (str(k), int(v)) for k, v in (data.get("screen_minimal_change") or {}).items()
        ),
        permanent_destinations=frozenset(int(d) for d in data.get("permanent_destinations") or []),
        stall_reasons=tuple(
            (str(r["key"]), tuple(str(p).lower() for p in r["phrases"]))
            for r in data.get("stall_reasons") or []
        ),
    )
