with source as (
    {{ select_source('raw', 'hmis_export') }}
),

versioned as (
    -- an export folder may be dropped twice under another name: keep its latest load
    {{ rank_versions('source', 'export_id', load_order()) }}
),

renamed as (
    select
        {{ site_key('_site', 'export_id') }} as export_key,
        _site as site,
        {{ hmis_export_id() }} as export_id,
        {{ clean_text('source_id') }} as source_id,
        {{ clean_text('source_name') }} as source_name,
        {{ to_date('export_date', hmis_pivot()) }} as export_date,
        {{ to_timestamp('export_date', hmis_pivot()) }} as exported_at,
        {{ to_date('export_start_date', hmis_pivot()) }} as export_start_date,
        {{ to_date('export_end_date', hmis_pivot()) }} as export_end_date,
        {{ clean_text('software_name') }} as software_name,
        {{ clean_text('csv_version') }} as csv_version,
        {{ to_int('hash_status') }} as hash_status,
        {{ to_int('hash_status') }} = 3 as is_pii_hashed,
        _export_dir as export_dir,
        _csv_version as csv_layout,
        _loaded_at as loaded_at,
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('export_id') }}
)

select * from renamed
