-- One row per run of an ingest asset: which source kind, when it started.
with source as (
    {{ select_source('raw', 'ingest_runs') }}
)

select
    {{ clean_code('source') }} as source,
    {{ to_timestamp('started_at') }} as started_at
from source
