{{ config(unique_key='income_benefits_key') }}
-- depends_on: {{ ref('stg_ingest__loads') }}
-- raw keeps every export a site sent: newest version of each record first
with {{ caseintel.versioned_rows('hmis_income_benefits', 'income_benefits_key', 'income_benefits_id', hmis_version_order(), is_incremental()) }},

renamed as (
    select
        {{ hmis_enrollment_record_keys('income_benefits_key', 'income_benefits_id') }},
        {{ to_date('information_date', hmis_pivot()) }} as information_date,
        {{ to_int('income_from_any_source') }} as income_from_any_source,
        {{ to_money('total_monthly_income') }} as total_monthly_income,
        {{ to_int('data_collection_stage') }} as data_collection_stage,
        {{ hmis_audit_columns() }},
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('income_benefits_id', deleted='date_deleted') }}
)

{{ caseintel.staged_rows('income_benefits_key', is_incremental()) }}
