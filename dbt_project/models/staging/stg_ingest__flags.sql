-- One row per rule a loaded row broke without being rejected (quarantine.flags): the row
-- loads, and the flag says which field of it a reader should doubt and why.
with source as (
    {{ select_source('quarantine', 'flags') }}
)

select
    source_table,
    {{ clean_text('_load_id') }} as _load_id,
    _site as site,
    _source_file,
    cast(_source_row as {{ dbt.type_bigint() }}) as _source_row,
    rule,
    field,
    value,
    reason,
    _loaded_at as loaded_at
from source
