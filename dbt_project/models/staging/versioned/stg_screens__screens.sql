{{ config(unique_key='screen_key') }}
-- depends_on: {{ ref('stg_ingest__loads') }}
-- the same screen can arrive in more than one export file: keep its latest load
with {{ caseintel.versioned_rows('screens', 'screen_key', 'screen_id', load_order(), is_incremental()) }},

renamed as (
    select
        {{ site_key('_site', 'screen_id') }} as screen_key,
        {{ record_key('hmis', '_site', 'personal_id') }} as record_key,
        _site as site,
        {{ clean_text('screen_id') }} as screen_id,
        {{ clean_text('personal_id') }} as personal_id,
        upper({{ clean_text('instrument') }}) as instrument,
        {{ to_date('screen_date') }} as screen_date,
        {%- for i in range(1, 10) %}
        {{ to_int('item_' ~ i) }} as item_{{ i }},
        {%- endfor %}
        {{ to_int('total_score') }} as recorded_total_score,
        case
            when coalesce(
                {%- for i in range(1, 10) %}
                {{ to_int('item_' ~ i) }}{% if not loop.last %},{% endif %}
                {%- endfor %}
            ) is not null
                then
                {%- for i in range(1, 10) %}
                {% if not loop.first %}+ {% endif %}coalesce({{ to_int('item_' ~ i) }}, 0)
                {%- endfor %}
        end as items_total_score,
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('screen_id') }}
)

{{ caseintel.staged_rows('screen_key', is_incremental()) }}
