{#
    Keys shared by every layer.
    record_key: `<source>:<site>:<source_record_id>`, the identity crosswalk's key. Notes,
    screens and milestones attach to people through their HMIS PersonalID, so they carry the
    HMIS record key `hmis:<site>:<personal_id>`.
    site_key: `<site>:<id>`, a one-column key for rows whose id is unique only within a site.
#}

{% macro record_key(source_name, site_column, id_column) -%}
    {{ dbt.concat(["'" ~ source_name ~ ":'", site_column, "':'", caseintel.clean_text(id_column)]) }}
{%- endmacro %}

{% macro site_key(site_column, id_column) -%}
    {{ dbt.concat([site_column, "':'", caseintel.clean_text(id_column)]) }}
{%- endmacro %}

{# The lineage columns every staging row keeps, so a report can cite its source row. #}
{% macro lineage_columns(relation_alias=none) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {{ caseintel.clean_text(prefix ~ '_load_id') }} as _load_id,
    {{ caseintel.clean_text(prefix ~ '_source_file') }} as _source_file,
    {{ caseintel.to_int(prefix ~ '_source_row') }} as _source_row
{%- endmacro %}
