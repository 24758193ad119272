{#
    `select * from <source>` that tolerates what has not landed yet.

    Raw tables are created by the first file of their kind, with that file's columns. A site
    that never sent screens has no raw.screens, and an older form may lack a column. This
    reads the source when it exists and fills every column declared for it in sources.yml
    that the table lacks with a typed null; a table that does not exist yet reads as zero
    rows of the declared columns. Models keep the usual shape:
        with source as ( {{ select_source('raw', 'screens') }} ), ...
    A unit test's fixture is read as given (write source fixtures with `format: sql` and
    the columns the model reads, so the test does not depend on the warehouse).
#}
{% macro select_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{- return('select * from ' ~ relation) -}}
    {%- endif -%}

    {%- if (relation.identifier or '').startswith('__dbt__cte__') -%}
        {#- a unit test fixture: its columns are what the test gives -#}
        {{- return('select * from ' ~ relation) -}}
    {%- endif -%}

    {%- set node = caseintel.source_node(source_name, table_name) -%}
    {%- set warehouse_relation = adapter.get_relation(
        database=node.database, schema=node.schema, identifier=node.identifier
    ) -%}
    {%- if warehouse_relation is none and caseintel.in_catalog(node.schema, node.identifier) -%}
        {#- dbt's relation cache missed a table the catalog has (seen on PostgreSQL, now and
            then, in a --full-refresh with several threads): read it, do not read it as empty -#}
        {%- do log("select_source: " ~ node.schema ~ "." ~ node.identifier
                   ~ " is in the catalog but not in dbt's relation cache", info=True) -%}
        {%- set warehouse_relation = api.Relation.create(
            database=node.database, schema=node.schema, identifier=node.identifier,
            type='table') -%}
    {%- endif -%}

    {%- if warehouse_relation is none -%}
        {%- set nulls = [] -%}
        {%- for column in node.columns.values() -%}
            {%- do nulls.append(caseintel.typed_null(column)) -%}
        {%- endfor -%}
        {{- return('select ' ~ nulls | join(', ') ~ ' where 1 = 0') -}}
    {%- endif -%}

    {%- set present = [] -%}
    {%- for column in adapter.get_columns_in_relation(warehouse_relation) -%}
        {%- do present.append(column.name | lower) -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- for column in node.columns.values() if column.name | lower not in present -%}
        {%- do missing.append(caseintel.typed_null(column)) -%}
    {%- endfor -%}
    {%- if missing | length == 0 -%}
        {{- return('select * from ' ~ relation) -}}
    {%- endif -%}
    {{- return('select *, ' ~ missing | join(', ') ~ ' from ' ~ relation) -}}
{%- endmacro %}

{# Whether the warehouse's own catalog has the table (asked directly, not dbt's cache). #}
{% macro in_catalog(schema, identifier) -%}
    {%- set found = run_query(
        "select count(*) from information_schema.tables where table_schema = '"
        ~ schema ~ "' and table_name = '" ~ identifier ~ "'") -%}
    {{- return(found.columns[0].values()[0] | int > 0) -}}
{%- endmacro %}

{# The sources.yml node of a source table. #}
{% macro source_node(source_name, table_name) -%}
    {%- for node in graph.sources.values()
        if node.source_name == source_name and node.name == table_name -%}
        {{- return(node) -}}
    {%- endfor -%}
    {{- exceptions.raise_compiler_error('unknown source ' ~ source_name ~ '.' ~ table_name) -}}
{%- endmacro %}

{# `cast(null as <declared type>) as "<name>"` for a sources.yml column. #}
{% macro typed_null(column) -%}
    {{- 'cast(null as ' ~ (column.data_type or dbt.type_string()) ~ ') as ' ~ adapter.quote(column.name) -}}
{%- endmacro %}
