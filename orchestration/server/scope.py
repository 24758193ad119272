"""Whose page is whose: each client's site, program and worker, written beside the site
when the reports are published, read by the server on every client page it is asked for.

A small SQLite file, not the warehouse: the server must answer while a pipeline run holds
the warehouse, and it needs only person IDs, sites, programs and worker IDs (no names).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from orchestration.reports.config import Edition
from orchestration.warehouse import Warehouse

SCHEMA = """
create table person_scope (person_id text not null, site text, program text);
create index person_scope_person on person_scope (person_id);
create table person_worker (person_id text primary key, worker_id text not null);
"""


def write_scope(wh: Warehouse, path: Path) -> Path:
    """Every graded client's site and program, as the editions were scoped when published
    (reports/rendering.py `Links.in_scope`; a merged ID takes its survivor's), and their
    worker on the latest as-of date, replacing the file whole so a reader never sees half of it."""
    places = wh.rows("""
        select person_id, site, program from marts.client_momentum
        union all
        select persons.person_id, momentum.site, momentum.program
        from identity.persons as persons
        inner join marts.client_momentum as momentum
            on momentum.person_id = persons.merged_into
        where persons.status = 'merged'""")
    workers = wh.rows("""
        select person_id, worker_id from marts.report_client_workers
        where worker_id is not null
          and as_of_date = (select max(as_of_date) from marts.report_client_workers)""")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(partial) as db:
        db.executescript(SCHEMA)
        db.executemany("insert into person_scope values (?, ?, ?)", places)
        db.executemany("insert into person_worker values (?, ?)", workers)
    db.close()
    os.replace(partial, path)
    return path


class PersonScope:
    """Read side of the scope file, one connection per server thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        stamp = self.path.stat().st_mtime_ns if self.path.exists() else None
        db = getattr(self._local, "db", None)
        if db is None or self._local.stamp != stamp:  # republished: reopen the new file
            if db is not None:
                db.close()
            db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True,
                                 check_same_thread=False) if stamp else sqlite3.connect(":memory:")
            if not stamp:
                db.executescript(SCHEMA)
            self._local.db, self._local.stamp = db, stamp
        return db

    def within(self, person_id: str, edition: Edition) -> bool:
        """Is the client within the edition? The publishing rule: by their graded site and
        program; an ungraded person only in an edition not limited to some."""
        rows = self._db().execute("select site, program from person_scope where person_id = ?",
                                  (person_id,)).fetchall()
        if not rows:
            return not (edition.sites or edition.programs)
        return any(edition.includes(site, program) for site, program in rows)

    def worker_of(self, person_id: str) -> str | None:
        row = self._db().execute("select worker_id from person_worker where person_id = ?",
                                 (person_id,)).fetchone()
        return row[0] if row else None
