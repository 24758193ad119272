with source as (
    {{ select_source('identity', 'crosswalk') }}
),

renamed as (
    select
        {{ clean_text('record_key') }} as record_key,
        {{ clean_code('source') }} as source,
        {{ clean_text('site') }} as site,
        {{ clean_text('source_record_id') }} as source_record_id,
        {{ clean_text('person_id') }} as person_id,
        {{ clean_text('link_rule') }} as link_rule,
        {{ to_timestamp('linked_at') }} as linked_at
    from source
)

select * from renamed
