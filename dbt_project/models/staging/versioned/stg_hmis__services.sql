{{ config(unique_key='service_key') }}
-- depends_on: {{ ref('stg_ingest__loads') }}
-- raw keeps every export a site sent: newest version of each service first
with {{ caseintel.versioned_rows('hmis_services', 'service_key', 'services_id', hmis_version_order(), is_incremental()) }},

renamed as (
    select
        {{ hmis_enrollment_record_keys('service_key', 'services_id') }},
        {{ to_date('date_provided', hmis_pivot()) }} as date_provided,
        {{ to_int('record_type') }} as record_type,
        {{ to_int('type_provided') }} as type_provided,
        {{ hmis_audit_columns() }},
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('services_id', deleted='date_deleted') }}
)

{{ caseintel.staged_rows('service_key', is_incremental()) }}
