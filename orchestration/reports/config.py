"""rubrics/reports.yaml, checked: editions, schedule, suppression and the report thresholds.

Errors name the setting and say what would be accepted, so an agency can fix the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestration.rubrics import RubricError, load_yaml, rubric_version

REPORTS = ("momentum", "missing_incomplete", "unusual", "comprehensive", "aggregate",
           "data_quality")
AGGREGATE_REPORTS = frozenset({"aggregate", "data_quality"})
LEVELS = ("clients", "aggregates")


@dataclass(frozen=True)
class Edition:
    """One audience's self-contained folder of the site."""

    name: str
    title: str
    audience: str
    folder: str  # relative to the site root; "" is the root
    level: str
    client_names: bool
    sites: tuple[str, ...]
    programs: tuple[str, ...]
    reports: tuple[str, ...]
    suppression_threshold: int  # counts of 1 to this - 1 people are hidden; 0 or 1: none

    def carries(self, report: str) -> bool:
        return report in self.reports

    def includes(self, site: str | None, program: str | None) -> bool:
        """Is a client of this site and program within the edition's scope?"""
        return ((not self.sites or site in self.sites)
                and (not self.programs or program in self.programs))


@dataclass(frozen=True)
class ReportsConfig:
    """Everything rubrics/reports.yaml says, checked."""

    version: str
    cron: str
    timezone: str
    editions: tuple[Edition, ...]
    rules: dict[str, float]  # the numeric thresholds dbt reads from raw.report_rules
    impossible_rules: tuple[str, ...]
    identifier_columns: frozenset[str]
    name_columns: frozenset[str]
    free_text_columns: frozenset[str]

    def editions_with(self, report: str) -> list[Edition]:
        return [e for e in self.editions if e.carries(report)]


def _mapping(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise RubricError(f"{where}: `{key}` must be a mapping of settings")
    return value


def _words(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RubricError(f"{where}: expected a list of names, got {value!r}")
    return tuple(value)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise RubricError(f"{where}: expected a number >= 0, got {value!r}")
    return float(value)


def _threshold(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RubricError(f"{where}: suppression_threshold must be a whole number >= 0,"
                          f" got {value!r}")
    return value


def _edition(raw: Any, where: str, threshold: int) -> Edition:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise RubricError(f"{where}: each edition needs a `name`")
    where = f"{where} {raw['name']}"
    level = raw.get("level")
    if level not in LEVELS:
        raise RubricError(f"{where}: `level` must be one of {', '.join(LEVELS)}, got {level!r}")
    reports = _words(raw.get("reports"), f"{where} reports")
    unknown = sorted(set(reports) - set(REPORTS))
    if unknown or not reports:
        raise RubricError(f"{where}: `reports` must list some of {', '.join(REPORTS)}"
                          + (f" (unknown: {', '.join(unknown)})" if unknown else ""))
    edition = Edition(
        name=raw["name"], title=str(raw.get("title") or raw["name"]),
        audience=str(raw.get("audience") or ""), folder=str(raw.get("folder") or "").strip("/"),
        level=level, client_names=raw.get("client_names") is True,
        sites=_words(raw.get("sites"), f"{where} sites"),
        programs=_words(raw.get("programs"), f"{where} programs"), reports=reports,
        suppression_threshold=_threshold(raw.get("suppression_threshold", threshold), where))
    if level == "aggregates" and edition.suppression_threshold < 2:
        raise RubricError(f"{where}: an aggregates-only edition must suppress small counts"
                          " (suppression_threshold 2 or more)")
    if level == "aggregates" and set(reports) - AGGREGATE_REPORTS:
        raise RubricError(f"{where}: an aggregates-only edition may carry only "
                          f"{', '.join(sorted(AGGREGATE_REPORTS))}")
    if edition.client_names and (level != "clients" or not (edition.sites or edition.programs)):
        raise RubricError(f"{where}: client_names is only allowed in a clients edition limited "
                          "to some sites or programs (a supervisor's own)")
    return edition


def load_reports_config(path: Path) -> ReportsConfig:
    """Read and check rubrics/reports.yaml."""
    data = load_yaml(path)
    where = str(path)
    schedule = _mapping(data, "schedule", where)
    threshold = _threshold(data.get("suppression_threshold"), where)
    editions = tuple(_edition(e, f"{where} editions", threshold)
                     for e in data.get("editions") or [])
    if not editions:
        raise RubricError(f"{where}: list at least one edition")
    folders = [e.folder for e in editions]
    if len(set(folders)) != len(folders) or len({e.name for e in editions}) != len(editions):
        raise RubricError(f"{where}: edition names and folders must be unique")
    missing, unusual = _mapping(data, "missing", where), _mapping(data, "unusual", where)
    rules = {key: _number(value, f"{where} missing.{key}") for key, value in missing.items()}
    rules |= {key: _number(value, f"{where} unusual.{key}") for key, value in unusual.items()
              if key != "impossible_rules"}
    privacy = _mapping(data, "privacy", where)
    return ReportsConfig(
        version=rubric_version(path),
        cron=str(schedule.get("cron") or "0 6 * * 1"),
        timezone=str(schedule.get("timezone") or "UTC"),
        editions=editions,
        rules=rules,
        impossible_rules=_words(unusual.get("impossible_rules"), f"{where} impossible_rules"),
        identifier_columns=frozenset(_words(privacy.get("identifier_columns"), where)),
        name_columns=frozenset(_words(privacy.get("name_columns"), where)),
        free_text_columns=frozenset(_words(privacy.get("free_text_columns"), where)),
    )
