"""Read the plain-English rubrics in rubrics/ and check them, with errors a person can act on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class RubricError(ValueError):
    """A rubric file that cannot be used as written."""


def rubric_version(path: Path) -> str:
    """A rubric's version is the hash of its content: edit the file, get a new version."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RubricError(f"{path}: cannot read rubric: {exc}") from exc
    if not isinstance(data, dict):
        raise RubricError(f"{path}: a rubric must be a mapping of settings")
    return data


def _int(value: Any, where: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise RubricError(f"{where}: expected a whole number >= {minimum}, got {value!r}")
    return value


@dataclass(frozen=True)
class StallCluster:
    key: str
    label: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class MomentumRubric:
    """rubrics/momentum.yaml, checked and with program overrides merged over the defaults."""

    version: str
    thresholds: tuple[tuple[int | None, str, int, int], ...]  # project_type, name, months, days
    followups: tuple[tuple[str, int, int], ...]
    screen_minimal_change: tuple[tuple[str, int], ...]
    permanent_destinations: tuple[int, ...]
    stall_reasons: tuple[StallCluster, ...]

    def thresholds_for(self, project_type: int | None) -> tuple[int, int]:
        """(stall_after_months, contact_cadence_days) for a HUD project type."""
        by_type = {t[0]: (t[2], t[3]) for t in self.thresholds}
        return by_type.get(project_type, by_type[None])


def load_momentum(path: Path) -> MomentumRubric:
    data = load_yaml(path)
    where = str(path)
    defaults = data.get("defaults") or {}
    months = _int(defaults.get("stall_after_months"), f"{where}: defaults.stall_after_months", 1)
    days = _int(defaults.get("contact_cadence_days"), f"{where}: defaults.contact_cadence_days", 1)
    thresholds: list[tuple[int | None, str, int, int]] = [(None, "Default", months, days)]
    for i, program in enumerate(data.get("programs") or []):
        at = f"{where}: programs[{i}]"
        thresholds.append((
            _int(program.get("project_type"), f"{at}.project_type"),
            str(program.get("name") or f"Project type {program.get('project_type')}"),
            _int(program.get("stall_after_months", months), f"{at}.stall_after_months", 1),
            _int(program.get("contact_cadence_days", days), f"{at}.contact_cadence_days", 1),
        ))
    followups = tuple(
        (str(f["survey_type"]), _int(f.get("due_days"), f"{where}: followups[{i}].due_days"),
         _int(f.get("grace_days", 0), f"{where}: followups[{i}].grace_days"))
        for i, f in enumerate(data.get("followups") or [])
    )
    screens = tuple(
        (str(name), _int(change, f"{where}: screen_minimal_change.{name}", 1))
        for name, change in (data.get("screen_minimal_change") or {}).items()
    )
    destinations = tuple(
        _int(d, f"{where}: permanent_destinations")
        for d in data.get("permanent_destinations") or []
    )
    clusters = []
    for i, cluster in enumerate(data.get("stall_reasons") or []):
        if not cluster.get("key") or not cluster.get("phrases"):
            raise RubricError(f"{where}: stall_reasons[{i}] needs a key and a list of phrases")
        clusters.append(StallCluster(
            str(cluster["key"]), str(cluster.get("label") or cluster["key"]),
            tuple(str(p).lower() for p in cluster["phrases"]),
        ))
    return MomentumRubric(
        version=rubric_version(path),
        thresholds=tuple(thresholds),
        followups=followups,
        screen_minimal_change=screens,
        permanent_destinations=destinations,
        stall_reasons=tuple(clusters),
    )


def cluster_of(text: str, clusters: tuple[StallCluster, ...]) -> str | None:
    """The first cluster whose phrases appear in the text (case-insensitive), if any."""
    lowered = text.lower()
    for cluster in clusters:
        if any(phrase in lowered for phrase in cluster.phrases):
            return cluster.key
    return None
