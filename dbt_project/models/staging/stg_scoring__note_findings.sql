-- `quote` is verbatim note text: downstream models keep only its position (quote_start,
-- quote_end) as a reference into the note, never the text.
with source as (
    {{ select_source('scoring', 'note_findings') }}
),

renamed as (
    select
        {{ site_key('site', 'note_id') }} as note_key,
        {{ clean_text('note_sha256') }} as note_sha256,
        coalesce({{ clean_text('rubric_name') }}, '') as rubric_name,
        {{ clean_text('rubric_version') }} as rubric_version,
        {{ clean_text('model') }} as model,
        {{ clean_text('site') }} as site,
        {{ clean_text('note_id') }} as note_id,
        {{ clean_code('category') }} as category,
        {{ clean_code('label') }} as label,
        {{ clean_text('level') }} as level,
        quote,
        {{ to_int('quote_start') }} as quote_start,
        {{ to_int('quote_end') }} as quote_end,
        {{ to_timestamp('scored_at') }} as scored_at
    from source
)

select * from renamed
