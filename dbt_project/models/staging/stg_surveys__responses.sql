-- No PII: surveys have no HMIS id, so identity resolution links them by the respondent's
-- name, email and phone, which it reads from raw; they stay there.
with source as (
    {{ select_source('raw', 'survey_responses') }}
),

versioned as (
    -- the same response can arrive in more than one export file: keep its latest load
    {{ rank_versions('source', 'response_id', load_order()) }}
),

renamed as (
    select
        {{ record_key('survey', '_site', 'response_id') }} as record_key,
        _site as site,
        {{ clean_text('response_id') }} as response_id,
        {{ clean_code('survey_type') }} as survey_type,
        {{ to_timestamp('submitted_at') }} as submitted_at,
        cast({{ to_timestamp('submitted_at') }} as date) as submitted_date,
        {{ clean_code('housing_status') }} as housing_status,
        {{ to_yes_no('employed') }} as is_employed,
        {{ to_money('monthly_income') }} as monthly_income,
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('response_id') }}
)

select * from renamed
