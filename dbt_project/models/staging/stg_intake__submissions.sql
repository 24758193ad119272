-- No PII: the name, DOB, SSN, phone, email and address of a submission stay in raw, where
-- identity resolution (orchestration/identity/records.py) reads them.
with source as (
    {{ select_source('raw', 'intake_submissions') }}
),

versioned as (
    -- the same submission can arrive in more than one export file: keep its latest load
    {{ rank_versions('source', 'submission_id', load_order()) }}
),

renamed as (
    select
        {{ record_key('intake', '_site', 'submission_id') }} as record_key,
        _site as site,
        {{ clean_text('submission_id') }} as submission_id,
        {{ clean_text('intake_client_id') }} as intake_client_id,
        {{ clean_text('hmis_personal_id') }} as hmis_personal_id,
        case
            when {{ clean_text('hmis_personal_id') }} is not null
                then {{ record_key('hmis', '_site', 'hmis_personal_id') }}
        end as hmis_record_key,
        {{ to_timestamp('submitted_at') }} as submitted_at,
        {{ clean_text('program') }} as program,
        {{ to_int('household_size') }} as household_size,
        {{ to_yes_no('employed') }} as is_employed,
        {{ to_money('monthly_income') }} as monthly_income,
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('submission_id') }}
)

select * from renamed
