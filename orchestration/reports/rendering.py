"""Shared rendering: one Jinja2 environment (autoescaped), the run every report renders in,
and the links a page may make within its edition.

Every page of an edition sits one folder below the edition's root (`momentum/...`,
`clients/...`) except its index, so links are relative and a folder can be moved or served
anywhere, and opened offline.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from orchestration.reports.cited_rows import anchor
from orchestration.reports.config import Edition, ReportsConfig, load_reports_config
from orchestration.reports.data import (
    Freshness,
    Row,
    client_names,
    client_scope,
    failed_drops,
    freshness,
    missing_data,
)
from orchestration.rubrics import load_yaml
from orchestration.settings import REPO_ROOT, Settings
from orchestration.warehouse import Warehouse

TEMPLATES = REPO_ROOT / "reports" / "templates"
GRADES = (("green", "Active"), ("amber", "Follow-up pending"), ("red", "Stalled"),
          ("closed", "Closed"))
GRADE_LABELS = dict(GRADES)
# Where each report lives inside an edition's folder; these paths are the stable links.
FOLDERS = {"momentum": "momentum", "missing_incomplete": "missing", "unusual": "unusual",
           "comprehensive": "clients", "aggregate": "aggregate", "data_quality": "quality"}


def describe_ref(ref: str | None) -> str:
    """A count's ref (aggregate.Tally) in words, for its tooltip: what it counts, where."""
    if not ref:
        return ""
    data = json.loads(ref)
    measure = {"count": "rows", "sum": f"sum of {data['column']}",
               "median": f"median {data['column']}"}[data["agg"]]
    filters = []
    for column, wanted in data["where"].items():
        if isinstance(wanted, dict) and "is" in wanted:
            filters.append(f"{column} is {wanted['is']}")
        elif isinstance(wanted, dict):
            filters.append(f"{column} {wanted['between'][0]}–{wanted['between'][1]}")
        elif isinstance(wanted, list):
            filters.append(f"{column} in {', '.join(map(str, wanted))}")
        else:
            filters.append(f"{column} = {wanted}")
    return (f"{measure} of marts.{data['table']}"
            + (f" where {'; '.join(filters)}" if filters else ""))


def environment() -> Environment:
    """Jinja2 with autoescaping on for every template: note text is data, never markup."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["grade_label"] = lambda g: GRADE_LABELS.get(g, g or "Not graded")
    env.filters["describe_ref"] = describe_ref
    env.globals["anchor"] = anchor
    return env


@dataclass
class Links:
    """The links one page of an edition may make, and what it may say about a client."""

    edition: Edition
    root: str  # relative path from the page to the edition's root ("" or "../")
    scope: dict[str, tuple[str | None, str | None]]
    names: dict[str, str] = field(default_factory=dict)

    def in_scope(self, person_id: str | None) -> bool:
        """Is the person within the edition? An ungraded person (no enrollment yet) is only
        in editions not limited to some sites or programs."""
        if person_id is None:
            return False
        if person_id in self.scope:
            return self.edition.includes(*self.scope[person_id])
        return not (self.edition.sites or self.edition.programs)

    def client(self, person_id: str | None, anchor: str | None = None) -> str | None:
        """The client page (or one of its source records), if this edition has it."""
        if not (self.edition.carries("comprehensive") and self.in_scope(person_id)):
            return None
        return f"{self.root}clients/{person_id}.html" + (f"#{anchor}" if anchor else "")

    def report(self, report: str, page: str = "latest") -> str | None:
        if not self.edition.carries(report):
            return None
        return f"{self.root}{FOLDERS[report]}/{page}.html"

    def name(self, person_id: str | None) -> str | None:
        return self.names.get(person_id) if self.edition.client_names and person_id else None


@dataclass
class Run:
    """One publishing run: settings, the checked config, the open warehouse and what every
    page states at the top (as-of date, freshness, when it was generated)."""

    settings: Settings
    config: ReportsConfig
    wh: Warehouse
    env: Environment
    fresh: Freshness
    generated_at: str
    briefs: dict[str, Any]
    scope: dict[str, tuple[str | None, str | None]]
    failures: list[Row] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # why nothing is graded yet (data.py)
    _names: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def as_of(self) -> str | None:
        return self.fresh.as_of

    def links(self, edition: Edition, depth: int = 1) -> Links:
        if edition.client_names and edition.name not in self._names:
            self._names[edition.name] = client_names(
                self.wh, [p for p, (site, program) in self.scope.items()
                          if edition.includes(site, program)])
        return Links(edition, "../" * depth, self.scope, self._names.get(edition.name, {}))

    def render(self, template: str, edition: Edition, links: Links, **context: Any) -> str:
        """Render a page with what every page carries: as-of date, freshness, edition, and
        the drops of the edition's sites that could not be read."""
        failures = [f for f in self.failures if not edition.sites or f["site"] in edition.sites]
        return self.env.get_template(template).render(
            as_of=self.as_of, fresh=self.fresh, edition=edition, links=links, failures=failures,
            generated_at=self.generated_at, suppression=edition.suppression_threshold,
            no_data_reasons=self.missing,
            **context)


@contextmanager
def open_run(settings: Settings) -> Iterator[Run]:
    """Open the warehouse read-only and gather what every report of this run shares."""
    config = load_reports_config(settings.rubrics_dir / "reports.yaml")
    with Warehouse.from_settings(settings, read_only=True) as wh:
        yield Run(
            settings=settings,
            config=config,
            wh=wh,
            env=environment(),
            fresh=freshness(wh),
            generated_at=datetime.now().replace(microsecond=0).isoformat(sep=" "),
            briefs=load_yaml(settings.rubrics_dir / "decision_brief.yaml"),
            scope=client_scope(wh),
            failures=failed_drops(wh),
            missing=missing_data(wh),
        )
