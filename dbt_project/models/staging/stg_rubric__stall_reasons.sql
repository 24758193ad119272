with source as (
    {{ select_source('raw', 'rubric_stall_reasons') }}
),

renamed as (
    select
        {{ clean_code('cluster_key') }} as cluster_key,
        {{ clean_text('cluster_label') }} as cluster_label,
        lower({{ clean_text('phrase') }}) as phrase,
        {{ to_int('ordinal') }} as ordinal,
        {{ clean_text('rubric_version') }} as rubric_version
    from source
)

select * from renamed
