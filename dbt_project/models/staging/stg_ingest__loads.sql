with source as (
    {{ select_source('raw', 'ingest_ledger') }}
),

renamed as (
    select
        {{ clean_text('load_id') }} as load_id,
        {{ clean_text('drop_id') }} as drop_id,
        {{ clean_code('source') }} as source,
        {{ clean_text('site') }} as site,
        {{ clean_text('source_table') }} as source_table,
        {{ clean_text('source_file') }} as source_file,
        {{ clean_text('file_sha256') }} as file_sha256,
        {{ clean_text('csv_version') }} as csv_version,
        {{ clean_text('encoding') }} as encoding,
        {{ to_bigint('rows_read') }} as rows_read,
        {{ to_bigint('rows_loaded') }} as rows_loaded,
        {{ to_bigint('rows_quarantined') }} as rows_quarantined,
        {{ to_bigint('rows_flagged') }} as rows_flagged,
        {{ clean_code('status') }} as status,
        {{ clean_text('message') }} as message,
        {{ to_timestamp('loaded_at') }} as loaded_at,
        {{ clean_text('remedy') }} as remedy
    from source
)

select * from renamed
