-- The drops the latest ingest of their source could not read. Nothing of such a drop
-- loaded and every other drop did; the report index and the data-quality page list these
-- first, with what to do. A drop fixed (new bytes) or taken away drops off the list at the
-- next run.
with loads as (
    select * from {{ ref('stg_ingest__loads') }}
),

latest_runs as (
    select source, max(started_at) as started_at
    from {{ ref('stg_ingest__runs') }}
    group by source
),

failed as (
    select
        loads.site,
        loads.source,
        loads.drop_id,
        loads.source_file,
        loads.message as reason,
        loads.remedy,
        loads.loaded_at as attempted_at,
        row_number() over (
            partition by loads.drop_id
            order by
                -- the file the reason is about first; the drop's other files say "not loaded"
                case when loads.message like {{ dbt.concat(['loads.source_file', "'%'"]) }}
                    then 0 else 1 end,
                loads.source_file
        ) as file_rank
    from loads
    inner join latest_runs
        on loads.source = latest_runs.source
        and loads.loaded_at = latest_runs.started_at
    where loads.status = 'failed'
)

-- a failed drop says its reason once per file of the drop: keep the file it is about
select site, source, drop_id, source_file, reason, remedy, attempted_at
from failed
where file_rank = 1
