"""The linkage workspace: a private in-memory DuckDB where Splink works on person records.

Splink creates and drops many scratch tables; keeping them out of the warehouse file means
a failed run leaves the warehouse untouched and nothing needs cleaning up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from splink import DuckDBAPI

from orchestration.identity.comparisons import BLOCKING_KEYS
from orchestration.identity.nicknames import NICKNAME_PAIRS
from orchestration.warehouse.duck import set_memory_limit

# The linkage frame: person records with the derived columns comparisons and blocking read.
# Identifiers shared by more than max_block_size records (a shelter's phone, an agency email)
# identify nobody: they are dropped before comparison as well as blocking.
_FRAME_SQL = """
create or replace table records as
with formal as (
    select form, list(formal order by formal) as formals from nicknames group by form
),
base as (
    select r.*,
        coalesce(f.formals, [r.first_name_norm]) as first_formal,
        coalesce(f.formals[1], r.first_name_norm) as first_canon
    from incoming r left join formal f on f.form = r.first_name_norm
),
shared as (
    select *,
        count(phone_norm) over (partition by phone_norm) as n_phone,
        count(email_norm) over (partition by email_norm) as n_email,
        count(ssn_norm) over (partition by ssn_norm) as n_ssn
    from base
),
cleaned as (
    select
        record_key as unique_id, is_new,
        site, first_name_norm as first_name, last_name_norm as last_name, first_canon,
        case when first_name_norm is not null then first_formal end as first_formal,
        first_name_norm || ' ' || last_name_norm as full_name,
        dob, coalesce(dob_approximate, false) as dob_approximate,
        case when n_ssn <= $cap then ssn_norm end as ssn,
        ssn_last4 as ssn4,
        case when n_phone <= $cap then phone_norm end as phone,
        case when n_email <= $cap then email_norm end as email
    from shared
),
keyed as (
    select *,
        split_part(email, '@', 1) as email_user,
        cast(dob as varchar) || '|' || last_name as bk_dob_last,
        cast(dob as varchar) || '|' || first_canon as bk_dob_first,
        least(first_name, last_name) || '|' || greatest(first_name, last_name) || '|'
            || cast(year(dob) as varchar) as bk_names_year,
        ssn as bk_ssn,
        ssn4 || '|' || last_name as bk_ssn4_last,
        ssn4 || '|' || first_canon as bk_ssn4_first,
        site || '|' || first_name || '|' || last_name as bk_site_name,
        phone as bk_phone,
        email as bk_email
    from cleaned
)
select * replace ({capped}) from keyed
"""


def _capped_keys() -> str:
    return ", ".join(
        f"case when count({k}) over (partition by {k}) <= $cap then {k} end as {k}"
        for k in BLOCKING_KEYS)


@dataclass(frozen=True)
class Workspace:
    con: duckdb.DuckDBPyConnection
    db_api: DuckDBAPI


@contextmanager
def linkage_workspace(temp_dir: Path, threads: int | None = None,
                      memory_limit: str | None = None) -> Iterator[Workspace]:
    """An in-memory DuckDB wrapped for Splink; past `memory_limit` (DuckDB's own setting,
    e.g. "4GB") it spills to temp_dir instead of growing with the population."""
    temp_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute(f"set temp_directory = '{temp_dir.as_posix()}'")
    con.execute("set preserve_insertion_order = false")
    if threads:
        con.execute(f"set threads = {int(threads)}")
    if memory_limit:
        set_memory_limit(con, memory_limit)
    try:
        yield Workspace(con, DuckDBAPI(connection=con))
    finally:
        con.close()


def build_frame(con: duckdb.DuckDBPyConnection, records: pa.Table,
                max_block_size: int) -> tuple[int, int]:
    """Create `records` (all), `existing` and `new` tables; returns (existing, new) counts.

    `records` are a run's records, whose `is_new` column tells the new ones.
    """
    nicknames = pa.table({"form": [f for f, _ in NICKNAME_PAIRS],
                          "formal": [f for _, f in NICKNAME_PAIRS]})
    con.register("incoming", records)
    con.register("nicknames", nicknames)
    try:
        sql = _FRAME_SQL.replace("{capped}", _capped_keys())
        con.execute(sql, {"cap": max_block_size})
    finally:
        con.unregister("incoming")
        con.unregister("nicknames")
    con.execute("create or replace table existing as select * exclude (is_new) from records"
                " where not is_new")
    con.execute("create or replace table new as select * exclude (is_new) from records"
                " where is_new")
    existing = con.execute("select count(*) from existing").fetchall()[0][0]
    new = con.execute("select count(*) from new").fetchall()[0][0]
    return existing, new
