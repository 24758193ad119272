{{ config(unique_key='current_living_situation_key') }}
-- depends_on: {{ ref('stg_ingest__loads') }}
-- raw keeps every export a site sent: newest version of each record first
with {{ caseintel.versioned_rows('hmis_current_living_situation', 'current_living_situation_key', 'current_living_sit_id', hmis_version_order(), is_incremental()) }},

renamed as (
    select
        {{ site_key('_site', 'current_living_sit_id') }} as current_living_situation_key,
        {{ site_key('_site', 'enrollment_id') }} as enrollment_key,
        {{ record_key('hmis', '_site', 'personal_id') }} as record_key,
        _site as site,
        {{ clean_text('current_living_sit_id') }} as current_living_situation_id,
        {{ clean_text('enrollment_id') }} as enrollment_id,
        {{ clean_text('personal_id') }} as personal_id,
        {{ to_date('information_date', hmis_pivot()) }} as information_date,
        {{ fy2024_living_situation(to_int('current_living_situation'), '_csv_version') }} as current_living_situation,
        {{ living_situation_group(fy2024_living_situation(to_int('current_living_situation'), '_csv_version')) }} as living_situation_group,
        {{ to_timestamp('date_created', hmis_pivot()) }} as date_created,
        {{ to_timestamp('date_updated', hmis_pivot()) }} as date_updated,
        {{ hmis_export_id() }} as export_id,
        {{ lineage_columns() }}
    from versioned
    where version_rank = 1
        and {{ clean_text('date_deleted') }} is null
        and {{ clean_text('current_living_sit_id') }} is not null
)

{{ caseintel.staged_rows('current_living_situation_key', is_incremental()) }}
