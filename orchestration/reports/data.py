"""What every report reads besides its own marts: rows as dicts, the as-of date, freshness.

Reports read the marts (and staging only for note text and names, where an edition may
show them). SQL here stays portable: `?` placeholders, no engine-specific functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from orchestration.warehouse import Warehouse

Row = dict[str, Any]


def dicts(wh: Warehouse, sql: str, params: Sequence[Any] | None = None) -> list[Row]:
    """Query rows as dicts keyed by column name."""
    cursor = wh.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def group_by(rows: Iterable[Row], key: str) -> dict[Any, list[Row]]:
    grouped: dict[Any, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


@dataclass(frozen=True)
class Freshness:
    """How current the data behind a report is: said at the top of every page. `as_of` is
    None while no client has been graded (nothing loaded yet, or the run failed)."""

    as_of: str | None
    last_loaded: str | None
    last_contact: str | None
    note_backend: str


def freshness(wh: Warehouse) -> Freshness:
    graded = wh.table_exists("marts", "client_momentum")
    as_of = wh.scalar("select max(as_of_date) from marts.client_momentum") if graded else None
    last_loaded = (wh.scalar("select max(loaded_at) from raw.ingest_ledger where status = 'loaded'")
                   if wh.table_exists("raw", "ingest_ledger") else None)
    last_contact = (wh.scalar("select max(last_contact_date) from marts.client_momentum")
                    if graded else None)
    backend = (wh.scalar("select string_agg(distinct backend, ', ') from scoring.note_reads")
               if wh.table_exists("scoring", "note_reads") else None)
    return Freshness(
        as_of=str(as_of) if as_of else None,
        last_loaded=str(last_loaded)[:19] if last_loaded else None,
        last_contact=str(last_contact) if last_contact else None,
        note_backend=backend or "offline",
    )


def missing_data(wh: Warehouse) -> list[str]:
    """Why no client is graded yet, in words a data engineer can act on; empty once some
    client is. A report published from an empty warehouse says this instead of zeros."""
    if not wh.table_exists("raw", "ingest_ledger"):
        return ["No file has been loaded yet: put the agency's exports (HMIS CSV, intake, case"
                " notes, surveys) in the landing folder and run the pipeline."]
    loaded = wh.scalar("select count(*) from raw.ingest_ledger where status = 'loaded'")
    if not loaded:
        return ["No file has been loaded yet: the landing folder had no readable export"
                " (see the data-quality page and the run's log for files that were refused)."]
    if not wh.table_exists("marts", "client_momentum"):
        return [f"{loaded} files were loaded, but the warehouse models were not built: the"
                " transform step of the run failed (see the run's log)."]
    if not wh.scalar("select count(*) from marts.client_momentum"):
        return [f"{loaded} files were loaded, but no client has a program enrollment to grade:"
                " an HMIS export with Enrollment.csv, or intake records, is needed."]
    return []


def failed_drops(wh: Warehouse) -> list[Row]:
    """Drops the latest ingest could not read (marts.ingest_failures): every page that lists
    them puts them first, and `caseintel run` names them and exits non-zero."""
    if not wh.table_exists("marts", "ingest_failures"):
        return []
    return dicts(wh, "select * from marts.ingest_failures order by site, drop_id")


def client_scope(wh: Warehouse) -> dict[str, tuple[str | None, str | None]]:
    """(site, program) of every graded person: what an edition's scope is checked against."""
    if not wh.table_exists("marts", "client_momentum"):
        return {}
    return {pid: (site, program) for pid, site, program in wh.rows(
        "select person_id, site, program from marts.client_momentum")}


def client_names(wh: Warehouse, person_ids: Iterable[str]) -> dict[str, str]:
    """Each person's name from their most recently updated HMIS client record, as loaded.

    Only editions allowed to show names (rubrics/reports.yaml, client_names) call this.
    """
    wanted = set(person_ids)
    names: dict[str, str] = {}
    if not wanted:
        return names
    # Names stay in raw: the staging row (the newest version of each client record) says
    # which raw row it was read from.
    for pid, first, last in wh.rows("""
            select links.person_id, trim(source.first_name), trim(source.last_name)
            from staging.stg_hmis__clients as clients
            inner join intermediate.int_record_links as links
                on links.record_key = clients.record_key
            inner join raw.hmis_client as source
                on source._load_id = clients._load_id
                and cast(source._source_row as bigint) = clients._source_row
            order by links.person_id, clients.date_updated desc nulls last, clients.record_key"""):
        if pid in wanted and pid not in names:
            names[pid] = " ".join(p for p in (first, last) if p)
    return names
