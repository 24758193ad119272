{#
    Raw keeps every file a site ever sent, so one source record can arrive many times (each
    HMIS export repeats the site's history). Staging keeps the newest version of each record:
    these are the orderings, newest first, used in `row_number() over (... order by ...)`.
#}

{# HMIS rows: the source system's DateUpdated, then the most recent load. #}
{% macro hmis_version_order() -%}
    {{ caseintel.to_timestamp('date_updated', caseintel.hmis_pivot()) }} desc nulls last,
    {{ caseintel.load_order() }}
{%- endmacro %}

{# Any raw row: the most recent load, then the later row of the same file. #}
{% macro load_order() -%}
    _loaded_at desc,
    _source_file desc,
    {{ caseintel.to_int('_source_row') }} desc
{%- endmacro %}

{#
    The rows of CTE `relation` with `version_rank`: 1 for the newest version (by `order`, one
    of the orderings above) of each site x `id_column`. Staging keeps rank 1
    (newest_versions); incremental staging ranks through versioned_rows (incremental.sql).
#}
{% macro rank_versions(relation, id_column, order) -%}
    select
        {{ relation }}.*,
        row_number() over (
            partition by _site, {{ caseintel.clean_text(id_column) }}
            order by {{ order }}
        ) as version_rank
    from {{ relation }}
{%- endmacro %}

{#
    The where clause over ranked rows (CTE `versioned`) that keeps each record's newest
    version, unless it has no id or the source marked it deleted (`deleted`: the column
    saying so, none when the source has none).
#}
{% macro newest_versions(id_column, deleted=none) -%}
    where version_rank = 1
        {%- if deleted %}
        and {{ caseintel.clean_text(deleted) }} is null
        {%- endif %}
        and {{ caseintel.clean_text(id_column) }} is not null
{%- endmacro %}
