with source as (
    {{ select_source('raw', 'hmis_project') }}
),

versioned as (
    -- raw keeps every export a site sent: newest version of each project first
    {{ rank_versions('source', 'project_id', hmis_version_order()) }}
),

renamed as (
    select
        {{ site_key('_site', 'project_id') }} as project_key,
        _site as site,
        {{ clean_text('project_id') }} as project_id,
        {{ clean_text('organization_id') }} as organization_id,
        {{ clean_text('project_name') }} as project_name,
        {{ fy2024_project_type(to_int('project_type'), to_int('tracking_method'), '_csv_version') }} as project_type,
        {{ hud_label('hud_project_type', fy2024_project_type(to_int('project_type'), to_int('tracking_method'), '_csv_version')) }} as project_type_name,
        {{ to_int('continuum_project') }} as continuum_project,
        {{ to_int('housing_type') }} as housing_type,
        {{ to_date('operating_start_date', hmis_pivot()) }} as operating_start_date,
        {{ to_date('operating_end_date', hmis_pivot()) }} as operating_end_date,
        {{ hmis_audit_columns() }},
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('project_id', deleted='date_deleted') }}
)

select * from renamed
