with source as (
    {{ select_source('raw', 'rubric_screen_rules') }}
),

renamed as (
    select
        upper({{ clean_text('instrument') }}) as instrument,
        {{ to_int('minimal_change') }} as minimal_change,
        {{ clean_text('rubric_version') }} as rubric_version
    from source
)

select * from renamed
