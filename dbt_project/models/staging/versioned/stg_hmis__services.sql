{{ config(unique_key='service_key') }}
-- depends_on: {{ ref('stg_ingest__loads') }}
-- raw keeps every export a site sent: newest version of each service first
with {{ caseintel.versioned_rows('hmis_services', 'service_key', 'services_id', hmis_version_order(), is_incremental()) }},

renamed as (
    select
        {{ site_key('_site', 'services_id') }} as service_key,
        {{ site_key('_site', 'enrollment_id') }} as enrollment_key,
        {{ record_key('hmis', '_site', 'personal_id') }} as record_key,
        _site as site,
        {{ clean_text('services_id') }} as services_id,
        {{ clean_text('enrollment_id') }} as enrollment_id,
        {{ clean_text('personal_id') }} as personal_id,
        {{ to_date('date_provided', hmis_pivot()) }} as date_provided,
        {{ to_int('record_type') }} as record_type,
        {{ to_int('type_provided') }} as type_provided,
        {{ to_timestamp('date_created', hmis_pivot()) }} as date_created,
        {{ to_timestamp('date_updated', hmis_pivot()) }} as date_updated,
        {{ hmis_export_id() }} as export_id,
        {{ lineage_columns() }}
    from versioned
    where version_rank = 1
        and {{ clean_text('date_deleted') }} is null
        and {{ clean_text('services_id') }} is not null
)

{{ caseintel.staged_rows('service_key', is_incremental()) }}
