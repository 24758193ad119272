{{ config(unique_key='exit_key') }}
-- depends_on: {{ ref('stg_ingest__loads') }}
-- raw keeps every export a site sent: newest version of each exit first
with {{ caseintel.versioned_rows('hmis_exit', 'exit_key', 'exit_id', hmis_version_order(), is_incremental()) }},

renamed as (
    select
        {{ hmis_enrollment_record_keys('exit_key', 'exit_id') }},
        {{ to_date('exit_date', hmis_pivot()) }} as exit_date,
        {{ fy2024_living_situation(to_int('destination'), '_csv_version') }} as destination,
        {{ living_situation_group(fy2024_living_situation(to_int('destination'), '_csv_version')) }} as destination_group,
        {{ hmis_audit_columns() }},
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('exit_id', deleted='date_deleted') }}
)

{{ caseintel.staged_rows('exit_key', is_incremental()) }}
