{#
    The staging model of an HMIS file whose records are typed and nothing more: the newest
    version of each record per site (a later export supersedes, DateUpdated first), deleted
    rows removed, text trimmed, dates in any vendor layout (two-digit years against the
    export date), codes as integers (`1.0` is 1). The keys other models join on come along:
    record_id (`<site>:<key>`), enrollment_key, record_key (the client), project_key.
    `renamed` maps a column to its name in an older layout, read when the newer is blank;
    `fy2022_living_situations` are read in FY2024's numbering when the export is FY2022.
#}
{% macro stage_hmis_file(table_name, key_column, text=[], dates=[], integers=[], renamed={},
                         fy2022_living_situations=[]) %}
with source as (
    {{ caseintel.select_source('raw', table_name) }}
),

versioned as (
    {{ caseintel.rank_versions('source', key_column, caseintel.hmis_version_order()) }}
),

renamed as (
    select
        {{ caseintel.site_key('_site', key_column) }} as record_id,
        _site as site,
        {{ caseintel.clean_text(key_column) }} as {{ key_column }},
        {%- if 'enrollment_id' in text %}
        {{ caseintel.site_key('_site', 'enrollment_id') }} as enrollment_key,
        {%- endif %}
        {%- if 'personal_id' in text %}
        {{ caseintel.record_key('hmis', '_site', 'personal_id') }} as record_key,
        {%- endif %}
        {%- if 'project_id' in text %}
        {{ caseintel.site_key('_site', 'project_id') }} as project_key,
        {%- endif %}
        {%- for column in text %}
        {{ caseintel.clean_text(column) }} as {{ column }},
        {%- endfor %}
        {%- for column in dates %}
        {{ caseintel.to_date(column, caseintel.hmis_pivot()) }} as {{ column }},
        {%- endfor %}
        {%- for column in integers %}
        {%- if column in fy2022_living_situations %}
        {{ caseintel.fy2024_living_situation(caseintel.to_int(column), '_csv_version') }} as {{ column }},
        {%- elif column in renamed %}
        coalesce({{ caseintel.to_int(column) }}, {{ caseintel.to_int(renamed[column]) }}) as {{ column }},
        {%- else %}
        {{ caseintel.to_int(column) }} as {{ column }},
        {%- endif %}
        {%- endfor %}
        {{ caseintel.hmis_audit_columns() }},
        _csv_version as csv_layout,
        {{ caseintel.lineage_columns() }}
    from versioned
    {{ caseintel.newest_versions(key_column, deleted='date_deleted') }}
)

select * from renamed
{% endmacro %}

{#
    The keys of an HMIS record that belongs to an enrollment (Exit, Services, IncomeBenefits,
    CurrentLivingSituation): `key` (`<site>:<id>`), enrollment_key, record_key (the client),
    site, and the ids as sent (`id_column` named `id_name`, default its own name).
#}
{% macro hmis_enrollment_record_keys(key, id_column, id_name=none) -%}
        {{ caseintel.site_key('_site', id_column) }} as {{ key }},
        {{ caseintel.site_key('_site', 'enrollment_id') }} as enrollment_key,
        {{ caseintel.record_key('hmis', '_site', 'personal_id') }} as record_key,
        _site as site,
        {{ caseintel.clean_text(id_column) }} as {{ id_name or id_column }},
        {{ caseintel.clean_text('enrollment_id') }} as enrollment_id,
        {{ caseintel.clean_text('personal_id') }} as personal_id
{%- endmacro %}

{# An HMIS record's DateCreated, DateUpdated and ExportID (every HMIS CSV carries them). #}
{% macro hmis_audit_columns() -%}
        {{ caseintel.to_timestamp('date_created', caseintel.hmis_pivot()) }} as date_created,
        {{ caseintel.to_timestamp('date_updated', caseintel.hmis_pivot()) }} as date_updated,
        {{ caseintel.hmis_export_id() }} as export_id
{%- endmacro %}
