with source as (
    {{ select_source('raw', 'hmis_organization') }}
),

versioned as (
    -- raw keeps every export a site sent: newest version of each organization first
    {{ rank_versions('source', 'organization_id', hmis_version_order()) }}
),

renamed as (
    select
        {{ site_key('_site', 'organization_id') }} as organization_key,
        _site as site,
        {{ clean_text('organization_id') }} as organization_id,
        {{ clean_text('organization_name') }} as organization_name,
        {{ to_int('victim_service_provider') }} as victim_service_provider,
        {{ hmis_audit_columns() }},
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('organization_id', deleted='date_deleted') }}
)

select * from renamed
