{#
    The citation every event row carries (int_touchpoints, int_movement_events,
    int_stall_reason_events, report_client_events): the staging model and key of the row it
    was read from, and that row's load, file and row number. With no `source_model`, a
    row's own citation columns pass through. `alias` names the row (none: bare columns).
#}
{% macro source_citation(source_model=none, key=none, alias=none) -%}
    {%- set prefix = alias ~ '.' if alias else '' -%}
    {%- if source_model %}
        '{{ source_model }}' as source_model,
        {{ prefix }}{{ key }} as source_key,
    {%- else %}
        {{ prefix }}source_model,
        {{ prefix }}source_key,
    {%- endif %}
        {{ prefix }}_load_id,
        {{ prefix }}_source_file,
        {{ prefix }}_source_row
{%- endmacro %}
