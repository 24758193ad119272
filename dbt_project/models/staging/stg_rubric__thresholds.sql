with source as (
    {{ select_source('raw', 'rubric_thresholds') }}
),

renamed as (
    select
        coalesce({{ clean_text('project_type') }}, 'default') as threshold_key,
        {{ to_int('project_type') }} as project_type,
        {{ clean_text('project_type') }} is null as is_default,
        {{ clean_text('program_name') }} as program_name,
        {{ to_int('stall_after_months') }} as stall_after_months,
        {{ to_int('contact_cadence_days') }} as contact_cadence_days,
        {{ clean_text('rubric_version') }} as rubric_version
    from source
)

select * from renamed
