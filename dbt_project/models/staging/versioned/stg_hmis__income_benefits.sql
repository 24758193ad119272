{{ config(unique_key='income_benefits_key') }}
-- depends_on: {{ ref('stg_ingest__loads') }}
-- raw keeps every export a site sent: newest version of each record first
with {{ caseintel.versioned_rows('hmis_income_benefits', 'income_benefits_key', 'income_benefits_id', hmis_version_order(), is_incremental()) }},

renamed as (
    select
        {{ site_key('_site', 'income_benefits_id') }} as income_benefits_key,
        {{ site_key('_site', 'enrollment_id') }} as enrollment_key,
        {{ record_key('hmis', '_site', 'personal_id') }} as record_key,
        _site as site,
        {{ clean_text('income_benefits_id') }} as income_benefits_id,
        {{ clean_text('enrollment_id') }} as enrollment_id,
        {{ clean_text('personal_id') }} as personal_id,
        {{ to_date('information_date', hmis_pivot()) }} as information_date,
        {{ to_int('income_from_any_source') }} as income_from_any_source,
        {{ to_money('total_monthly_income') }} as total_monthly_income,
        {{ to_int('data_collection_stage') }} as data_collection_stage,
        {{ to_timestamp('date_created', hmis_pivot()) }} as date_created,
        {{ to_timestamp('date_updated', hmis_pivot()) }} as date_updated,
        {{ hmis_export_id() }} as export_id,
        {{ lineage_columns() }}
    from versioned
    where version_rank = 1
        and {{ clean_text('date_deleted') }} is null
        and {{ clean_text('income_benefits_id') }} is not null
)

{{ caseintel.staged_rows('income_benefits_key', is_incremental()) }}
