{#
    The citation every event row carries (int_touchpoints, int_movement_events,
    report_client_events, and the evidence of report_missing_elements and report_anomalies):
    the staging model and key of the row it was read from, and that row's load, file and
    row number. With no `source_model`, a row's own citation columns pass through. `alias`
    names the row (none: bare columns); `prefix` names the columns `<prefix>_source_model`,
    `<prefix>_source_key`, `<prefix>_load_id`, `<prefix>_source_file`, `<prefix>_source_row`.
#}
{% macro source_citation(source_model=none, key=none, alias=none, prefix=none) -%}
    {%- set row = alias ~ '.' if alias else '' -%}
    {%- set columns = [
        ("'" ~ source_model ~ "'" if source_model else row ~ 'source_model', 'source_model'),
        (row ~ key if source_model else row ~ 'source_key', 'source_key'),
        (row ~ '_load_id', '_load_id'),
        (row ~ '_source_file', '_source_file'),
        (row ~ '_source_row', '_source_row'),
    ] -%}
    {%- for expression, name in columns %}
        {%- set output = prefix ~ '_' ~ name.lstrip('_') if prefix else name %}
        {{ expression }}{% if output != expression.split('.')[-1] %} as {{ output }}{% endif %}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
