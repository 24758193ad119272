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

from orchestration.identity.comparisons import BLOCKING_KEYS, NAME_ONLY_BLOCK_SIZE, NAME_ONLY_KEYS
from orchestration.identity.nicknames import NICKNAME_PAIRS
from orchestration.warehouse.duck import memory_limit_bytes, set_memory_limit

# The linkage frame: person records with the derived columns comparisons and blocking read.
# Identifiers shared by more than max_block_size records (a shelter's phone or street address,
# an agency email) identify nobody: they are dropped before comparison as well as blocking.
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
located as (
    select *, case when address_number is not null and address_street is not null
              then address_number || ' ' || address_street || ' ' || coalesce(zip_norm, '')
              end as address_key
    from base
),
shared as (
    select located.*, phones.n as n_phone, emails.n as n_email, ssns.n as n_ssn,
        addresses.n as n_address
    from located
    left join ({phone_counts}) as phones using (phone_norm)
    left join ({email_counts}) as emails using (email_norm)
    left join ({ssn_counts}) as ssns using (ssn_norm)
    left join ({address_counts}) as addresses using (address_key)
),
cleaned as (
    select
        record_key as unique_id, is_new,
        site, first_name_norm as first_name, last_name_norm as last_name, first_canon,
        case when first_name_norm is not null then first_formal end as first_formal,
        dob, coalesce(dob_approximate, false) as dob_approximate,
        -- precomputed once per record, not per compared pair
        cast(dob as varchar) as dob_text,
        date_diff('day', date '1900-01-01', dob) as dob_day,
        case when day(dob) <= 12 and day(dob) <> month(dob)
             then make_date(year(dob), day(dob), month(dob)) end as dob_swapped,
        case when n_ssn <= $cap then ssn_norm end as ssn,
        ssn_last4 as ssn4,
        case when n_phone <= $cap then phone_norm end as phone,
        case when n_email <= $cap then email_norm end as email,
        middle_name_norm as middle_name,
        case when n_address <= $cap or n_address is null then address_number end
            as address_number,
        case when n_address <= $cap or n_address is null then address_street end
            as address_street,
        address_unit,
        case when n_address <= $cap then address_key end as address_key,
        city_norm as city,
        zip_norm as zip
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
        ssn4 || '|' || cast(dob as varchar) as bk_ssn4_dob,
        ssn4 || '|' || zip as bk_ssn4_zip,
        cast(dob as varchar) || '|' || zip as bk_dob_zip,
        last_name || '|' || zip as bk_last_zip,
        address_number || ' ' || address_street as bk_address,
        least(first_name, last_name) || '|' || greatest(first_name, last_name) as bk_names,
        site || '|' || first_name || '|' || last_name as bk_site_name,
        phone as bk_phone,
        email as bk_email
    from cleaned
)
select keyed.* replace ({capped}) from keyed
{capped_joins}
"""


def _frame_sql() -> str:
    """_FRAME_SQL with its counts of shared values filled in. A count per value is a
    group-by joined back, not a window per column: thirteen windows over every record
    took three and a half times as long (2.4 s against 0.7 s at 311,559 records)."""
    return _FRAME_SQL.format(
        phone_counts=_value_counts("phone_norm", "located"),
        email_counts=_value_counts("email_norm", "located"),
        ssn_counts=_value_counts("ssn_norm", "located"),
        address_counts=_value_counts("address_key", "located"),
        capped=", ".join(f"case when counts_{k}.n <= "
                         f"{'$name_cap' if k in NAME_ONLY_KEYS else '$cap'} then {k} end as {k}"
                         for k in BLOCKING_KEYS),
        capped_joins="\n".join(f"left join ({_value_counts(k, 'keyed')}) as counts_{k} using ({k})"
                                for k in BLOCKING_KEYS))


def _value_counts(column: str, relation: str) -> str:
    """How many rows of `relation` share each non-null value of `column` (as `n`)."""
    return (f"select {column}, count(*) as n from {relation} where {column} is not null"
            f" group by {column}")


@dataclass(frozen=True)
class Workspace:
    con: duckdb.DuckDBPyConnection
    db_api: DuckDBAPI


@contextmanager
def linkage_workspace(temp_dir: Path, threads: int | None = None,
                      memory_limit: str | None = None, held_bytes: int = 0
                      ) -> Iterator[Workspace]:
    """An in-memory DuckDB wrapped for Splink; past `memory_limit` (DuckDB's own setting,
    e.g. "4GB") it spills to temp_dir instead of growing with the population.

    `held_bytes` is what the caller keeps in memory beside the workspace all along (the
    run's records in Arrow, which the workspace also copies): the workspace gets the limit
    less that, but never less than half of it, so linkage as a whole stays near the limit.
    Measured at 1,000,000 people (4GB, 0.8 GiB of records): the linkage steps peaked at
    5.35 GiB with the whole limit and 4.5 with the rest, spilling more for some 5% more time."""
    temp_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute(f"set temp_directory = '{temp_dir.as_posix()}'")
    con.execute("set preserve_insertion_order = false")
    if threads:
        con.execute(f"set threads = {int(threads)}")
    if memory_limit:
        set_memory_limit(con, memory_limit)
    limit = memory_limit_bytes(con) if held_bytes > 0 else None
    if limit:
        set_memory_limit(con, f"{max(limit - held_bytes, limit // 2)}B")
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
        con.execute(_frame_sql(), {"cap": max_block_size,
                                   "name_cap": min(max_block_size, NAME_ONLY_BLOCK_SIZE)})
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
