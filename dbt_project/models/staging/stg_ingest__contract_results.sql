with source as (
    {{ select_source('raw', 'contract_results') }}
),

renamed as (
    select
        {{ dbt.concat(["load_id", "':'", "rule"]) }} as result_key,
        {{ clean_text('load_id') }} as load_id,
        {{ clean_text('source_table') }} as source_table,
        {{ clean_text('source_file') }} as source_file,
        {{ clean_text('suite') }} as suite,
        {{ clean_text('rule') }} as rule,
        {{ clean_text('expectation') }} as expectation,
        {{ clean_code('severity') }} as severity,
        success,
        {{ to_bigint('element_count') }} as element_count,
        {{ to_bigint('unexpected_count') }} as unexpected_count,
        {{ to_timestamp('loaded_at') }} as loaded_at
    from source
)

select * from renamed
