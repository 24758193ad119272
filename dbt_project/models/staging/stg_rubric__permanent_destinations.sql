with source as (
    {{ select_source('raw', 'rubric_permanent_destinations') }}
),

renamed as (
    select
        {{ to_int('destination') }} as destination,
        {{ clean_text('rubric_version') }} as rubric_version
    from source
)

select * from renamed
