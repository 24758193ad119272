-- Note text passes through here (the note reader and reports cite it) and stops here:
-- nothing downstream of staging selects it.
with source as (
    {{ select_source('raw', 'case_notes') }}
),

versioned as (
    -- the same note can arrive in more than one export file: keep its latest load
    select
        source.*,
        row_number() over (
            partition by _site, trim(note_id)
            order by {{ load_order() }}
        ) as version_rank
    from source
),

renamed as (
    select
        {{ site_key('_site', 'note_id') }} as note_key,
        {{ record_key('hmis', '_site', 'personal_id') }} as record_key,
        _site as site,
        {{ clean_text('note_id') }} as note_id,
        {{ clean_text('personal_id') }} as personal_id,
        {{ to_date('note_date') }} as note_date,
        {{ clean_text('author_id') }} as author_id,
        {{ clean_code('note_type') }} as note_type,
        {{ adapter.quote('text') }} as note_text,
        {{ lineage_columns() }}
    from versioned
    where version_rank = 1
        and {{ clean_text('note_id') }} is not null
)

select * from renamed
