{#
    Note text passes through here (the note reader and reports cite it) and stops here:
    nothing downstream of staging selects it.

    A table, not a view: every note model and test reads it, and re-ranking every version of
    every note for each of them costs more than keeping the current versions. Incremental:
    a run re-ranks only the notes (site x note_id) that loads since the last build carried,
    over every version raw holds of them, and replaces those notes (macros/incremental.sql).
#}
{{ config(
    materialized='incremental',
    unique_key='note_key',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}

-- read only by incremental runs, so named here for dbt's graph:
-- depends_on: {{ ref('stg_ingest__loads') }}
with source as (
    {{ select_source('raw', 'case_notes') }}
),

{% if is_incremental() %}
candidates as (
    select * from source
    where {{ site_key('_site', 'note_id') }} in (
        select note_key from (
            {{ caseintel.loaded_since('raw', 'case_notes', {'note_key': site_key('_site', 'note_id')}) }}
        ) as loaded
    )
),
{% else %}
candidates as (
    select * from source
),
{% endif %}

versioned as (
    -- the same note can arrive in more than one export file: keep its latest load
    {{ rank_versions('candidates', 'note_id', load_order()) }}
),

renamed as (
    select
        {{ site_key('_site', 'note_id') }} as note_key,
        {{ record_key('hmis', '_site', 'personal_id') }} as record_key,
        _site as site,
        {{ clean_text('note_id') }} as note_id,
        {{ clean_text('personal_id') }} as personal_id,
        {{ to_date('note_date') }} as note_date,
        {{ clean_text('author_id') }} as author_id,
        {{ clean_code('note_type') }} as note_type,
        {{ adapter.quote('text') }} as note_text,
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('note_id') }}
)

select * from renamed
