{{ config(unique_key='current_living_situation_key') }}
-- depends_on: {{ ref('stg_ingest__loads') }}
-- raw keeps every export a site sent: newest version of each record first
with {{ caseintel.versioned_rows('hmis_current_living_situation', 'current_living_situation_key', 'current_living_sit_id', hmis_version_order(), is_incremental()) }},

renamed as (
    select
        {{ hmis_enrollment_record_keys('current_living_situation_key', 'current_living_sit_id', id_name='current_living_situation_id') }},
        {{ to_date('information_date', hmis_pivot()) }} as information_date,
        {{ fy2024_living_situation(to_int('current_living_situation'), '_csv_version') }} as current_living_situation,
        {{ living_situation_group(fy2024_living_situation(to_int('current_living_situation'), '_csv_version')) }} as living_situation_group,
        {{ hmis_audit_columns() }},
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('current_living_sit_id', deleted='date_deleted') }}
)

{{ caseintel.staged_rows('current_living_situation_key', is_incremental()) }}
