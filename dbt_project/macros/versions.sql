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
