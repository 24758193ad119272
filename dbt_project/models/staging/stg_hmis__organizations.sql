with source as (
    {{ select_source('raw', 'hmis_organization') }}
),

versioned as (
    -- raw keeps every export a site sent: newest version of each organization first
    select
        source.*,
        row_number() over (
            partition by _site, {{ caseintel.clean_text('organization_id') }}
            order by {{ hmis_version_order() }}
        ) as version_rank
    from source
),

renamed as (
    select
        {{ site_key('_site', 'organization_id') }} as organization_key,
        _site as site,
        {{ clean_text('organization_id') }} as organization_id,
        {{ clean_text('organization_name') }} as organization_name,
        {{ to_int('victim_service_provider') }} as victim_service_provider,
        {{ to_timestamp('date_created', hmis_pivot()) }} as date_created,
        {{ to_timestamp('date_updated', hmis_pivot()) }} as date_updated,
        {{ hmis_export_id() }} as export_id,
        {{ lineage_columns() }}
    from versioned
    where version_rank = 1
        and {{ clean_text('date_deleted') }} is null
        and {{ clean_text('organization_id') }} is not null
)

select * from renamed
