"""rubrics/access.yaml, checked, and the one decision the server makes on every request:
may this person open this page?

A grant is a role and the edition of the published site the role reads from. The rules of
a role (what of its edition it may open) live here in code, so no file edit can widen them:

    worker        their caseload's client pages and their own action list (missing/workers)
    supervisor    every page of their edition (an edition limited to their sites)
    director      every page of an edition that shows clients by person ID (no names)
    funder        an aggregates edition (counts only)
    data_steward  the data quality and missing & incomplete reports, no client pages
    auditor       the audit log only

A client page is opened only when the client has records within the edition's sites and
programs (and, for a worker, is on their caseload), whatever files happen to be on disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestration.reports.config import Edition, ReportsConfig
from orchestration.reports.missing import WORKER_FOLDER, worker_slug
from orchestration.reports.rendering import FOLDERS
from orchestration.rubrics import RubricError, load_yaml
from orchestration.server.scope import PersonScope

ROLES = ("worker", "supervisor", "director", "funder", "data_steward", "auditor")
STEWARD_REPORTS = frozenset({"data_quality", "missing_incomplete"})
CLIENT_PAGE = re.compile(r"^clients/([A-Za-z0-9_-]+)\.html$")
REPORT_OF_FOLDER = {folder: report for report, folder in FOLDERS.items()}


@dataclass(frozen=True)
class Grant:
    """What one user (or member of a group) may read."""

    role: str
    edition: Edition | None  # None for the auditor
    worker_id: str | None = None

    @property
    def worker_page(self) -> str:
        """A worker's own action list, within their edition's folder."""
        return f"{WORKER_FOLDER}/{worker_slug(self.worker_id or '')}.html"

    @property
    def home(self) -> str:
        """The page a user lands on after logging in (a path of the server)."""
        if self.edition is None:
            return "/audit"
        root = f"/{self.edition.folder}/" if self.edition.folder else "/"
        return root + (self.worker_page if self.role == "worker" else "index.html")


@dataclass(frozen=True)
class Access:
    """The users and OpenID Connect groups of rubrics/access.yaml, each with their grant."""

    users: dict[str, Grant]
    groups: tuple[tuple[str, Grant], ...]  # in file order: the first matching group wins

    def grant_for(self, user: str, groups: tuple[str, ...] = ()) -> Grant | None:
        """A user's own entry, else their first group's; None: not allowed in at all."""
        if user in self.users:
            return self.users[user]
        return next((grant for group, grant in self.groups if group in groups), None)


@dataclass(frozen=True)
class Page:
    """A request path read as a page of the published site."""

    edition: Edition
    relative: str  # within the edition's folder, '/'-separated

    @property
    def person_id(self) -> str | None:
        match = CLIENT_PAGE.match(self.relative)
        return match.group(1) if match and match.group(1) != "index" else None

    @property
    def report(self) -> str | None:
        return REPORT_OF_FOLDER.get(self.relative.split("/", 1)[0])


def locate(config: ReportsConfig, path: str) -> Page | None:
    """The edition a request path falls in: the longest edition folder that prefixes it,
    else the edition at the site's root (if there is one)."""
    relative = path.lstrip("/")
    for edition in sorted(config.editions, key=lambda e: -len(e.folder.strip("/"))):
        folder = edition.folder.strip("/")
        if not folder:
            return Page(edition, relative or "index.html")
        if relative == folder or relative.startswith(folder + "/"):
            return Page(edition, relative[len(folder):].lstrip("/") or "index.html")
    return None


def may_open(grant: Grant, page: Page, scope: PersonScope) -> bool:
    """The server's rule, checked on every request before a file is read."""
    if grant.edition is None or page.edition.name != grant.edition.name:
        return False
    person = page.person_id
    if person is not None:
        if grant.role not in ("worker", "supervisor", "director"):
            return False
        if not scope.within(person, page.edition):
            return False
        return grant.role != "worker" or scope.worker_of(person) == grant.worker_id
    if page.relative.startswith("clients/"):
        # the client directory and its ID list: whole-edition readers only
        return grant.role in ("supervisor", "director")
    if grant.role == "worker":
        return page.relative == grant.worker_page
    if grant.role == "data_steward":
        return page.relative == "index.html" or page.report in STEWARD_REPORTS
    return True


def _grant(raw: Any, where: str, config: ReportsConfig) -> Grant:
    if not isinstance(raw, dict):
        raise RubricError(f"{where}: each entry is a mapping with a role and an edition")
    role = raw.get("role")
    if role not in ROLES:
        raise RubricError(f"{where}: role must be one of {', '.join(ROLES)}, not {role!r}")
    editions = {e.name: e for e in config.editions}
    if role == "auditor":
        if raw.get("edition"):
            raise RubricError(f"{where}: an auditor reads the audit log, not an edition")
        return Grant(role, None)
    edition = editions.get(raw.get("edition"))
    if edition is None:
        raise RubricError(f"{where}: edition must be one of {', '.join(editions)} "
                          f"(rubrics/reports.yaml), not {raw.get('edition')!r}")
    worker_id = raw.get("worker_id")
    problem = {
        "worker": (edition.level != "clients" or not worker_id)
        and "a worker needs worker_id (their author id on case notes) and a clients edition",
        "supervisor": (edition.level != "clients" or not (edition.sites or edition.programs))
        and "a supervisor's edition is a clients edition limited to their sites or programs",
        "director": (edition.level != "clients" or edition.client_names)
        and "a director's edition shows clients by person ID only (client_names: false)",
        "funder": edition.level != "aggregates" and "a funder's edition is an aggregates one",
        "data_steward": not (set(edition.reports) & STEWARD_REPORTS)
        and "a data steward's edition carries data_quality or missing_incomplete",
    }[role]
    if problem:
        raise RubricError(f"{where}: {problem} (edition {edition.name!r})")
    return Grant(role, edition, str(worker_id) if role == "worker" else None)


def load_access(path: Path, config: ReportsConfig) -> Access:
    """Read and check rubrics/access.yaml against the editions of rubrics/reports.yaml."""
    data = load_yaml(path)
    where = str(path)
    users: dict[str, Grant] = {}
    for i, raw in enumerate(data.get("users") or []):
        name = str((raw or {}).get("user") or "").strip()
        if not name:
            raise RubricError(f"{where} users[{i}]: user is the name the person logs in with")
        if name in users:
            raise RubricError(f"{where} users[{i}]: {name!r} is listed twice")
        users[name] = _grant(raw, f"{where} users[{i}] ({name})", config)
    groups = []
    for i, raw in enumerate(data.get("groups") or []):
        name = str((raw or {}).get("group") or "").strip()
        if not name:
            raise RubricError(f"{where} groups[{i}]: group is the OpenID Connect group name")
        groups.append((name, _grant(raw, f"{where} groups[{i}] ({name})", config)))
    return Access(users, tuple(groups))
