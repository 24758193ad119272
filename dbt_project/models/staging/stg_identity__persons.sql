with source as (
    {{ select_source('identity', 'persons') }}
),

renamed as (
    select
        {{ clean_text('person_id') }} as person_id,
        {{ to_timestamp('issued_at') }} as issued_at,
        {{ clean_code('status') }} as status,
        {{ clean_text('merged_into') }} as merged_into
    from source
)

select * from renamed
