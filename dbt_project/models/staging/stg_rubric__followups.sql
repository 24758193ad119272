with source as (
    {{ select_source('raw', 'rubric_followups') }}
),

renamed as (
    select
        {{ clean_code('survey_type') }} as survey_type,
        {{ to_int('due_days') }} as due_days,
        {{ to_int('grace_days') }} as grace_days,
        {{ clean_text('rubric_version') }} as rubric_version
    from source
)

select * from renamed
