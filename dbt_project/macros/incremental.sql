{#
    Incremental models over a history that only grows (touchpoints, movement events,
    services). A nightly run rebuilds only what changed since the last build:

    - `held_watermark(relation, column)`: how far the last build got in `relation` (the
      newest load, link or reading among the rows the model holds), as a timestamp literal
      fixed at compile time, so a hook and the model body see the same value. On a first
      build or a full refresh it is the epoch: everything is new.
    - `loaded_since(source_name, table_name, columns)`: expressions over the raw rows that
      landed after the newest load the model holds (new records, new versions, deletions).
    - `replace_people(rows, key, changed_records, also_touched)`: the rows of every person
      a change touches, to replace those people's rows whole (`unique_key='person_id'`,
      `incremental_strategy='delete+insert'`). A person is touched when a record of theirs
      has new source rows (`changed_records`, a relation of `record_key`) or was linked since
      the last build, when their id was issued since then or a merge retired it or made them
      its survivor, or when `also_touched` (a select of person_id) names them. Each touched
      person also gets a placeholder row (`placeholder_rows`: null `key`), so a person left
      with no rows is still deleted; the model's post-hook (`delete_placeholders(key)`)
      removes the placeholders again. `rows` is read once, filtered to the touched people.
#}

{#
    The newest `column` of `relation` over the rows whose `key` the model already holds (as
    `held`): how far the last build got. A timestamp literal, fixed when the model compiles.
#}
{% macro held_watermark(relation, column, key='person_id', held='person_id') -%}
    {%- set value = none -%}
    {%- if execute and is_incremental() -%}
        {%- set found = run_query(
            "select max(" ~ column ~ ") from " ~ relation
            ~ " where " ~ key ~ " in (select distinct " ~ held ~ " from " ~ this ~ ")") -%}
        {%- set value = found.columns[0].values()[0] -%}
    {%- endif -%}
    cast('{{ value if value is not none else "1970-01-01 00:00:00" }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro loaded_watermark() -%}
    {{ caseintel.held_watermark(ref('stg_ingest__loads'), 'loaded_at', 'load_id', '_load_id') }}
{%- endmacro %}

{% macro loaded_since(source_name, table_name, columns) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute and adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
    select {% for name, expression in columns.items() %}cast(null as {{ dbt.type_string() }}) as {{ name }}{{ ", " if not loop.last }}{% endfor %} where 1 = 0
    {%- else -%}
    select {% for name, expression in columns.items() %}{{ expression }} as {{ name }}{{ ", " if not loop.last }}{% endfor %}
    from {{ relation }}
    where _loaded_at > {{ caseintel.loaded_watermark() }}
    {%- endif -%}
{%- endmacro %}

{% macro replace_people(rows, key, changed_records, also_touched=none) -%}
touched_people as (
    select record_links.person_id
    from {{ ref('int_record_links') }} as record_links
    where record_links.record_key in (select record_key from {{ changed_records }})
    union
    select record_links.person_id
    from {{ ref('int_record_links') }} as record_links
    where record_links.linked_at > {{ caseintel.held_watermark(ref('int_record_links'), 'linked_at') }}
    union
    -- ids issued since the last build (a reviewed split gives records a new id)
    select persons.person_id
    from {{ ref('stg_identity__persons') }} as persons
    where persons.issued_at > {{ caseintel.held_watermark(ref('int_record_links'), 'linked_at') }}
    union
    -- ids retired by a merge that still hold rows here, and their survivors
    select persons.person_id
    from {{ ref('stg_identity__persons') }} as persons
    where persons.status = 'merged'
        and persons.person_id in (select person_id from {{ this }})
    union
    select persons.merged_into
    from {{ ref('stg_identity__persons') }} as persons
    where persons.status = 'merged'
        and persons.person_id in (select person_id from {{ this }})
    {%- if also_touched %}
    union
    select person_id from ({{ also_touched }}) as also_touched
    {%- endif %}
)

select * from {{ rows }}
where person_id in (select person_id from touched_people)

union all

{{ caseintel.placeholder_rows('person_id', 'touched_people') }}
{%- endmacro %}

{# One row per key of `keys` (a relation with a `key` column), every other column null. #}
{% macro placeholder_rows(key, keys) -%}
select
    {%- for column in adapter.get_columns_in_relation(this) %}
    {% if column.name | lower == key -%}
    {{ keys }}.{{ key }}
    {%- else -%}
    cast(null as {{ column.data_type }})
    {%- endif %} as {{ adapter.quote(column.name) }}{{ "," if not loop.last }}
    {%- endfor %}
from {{ keys }}
{%- endmacro %}

{% macro delete_placeholders(key) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where {{ key }} is null
    {%- endif -%}
{%- endmacro %}

{#
    A fingerprint of a set of rows, as an aggregate: equal exactly when the rows' `columns`
    are equal as a set (order does not matter), so a model can tell whose inputs changed by
    comparing fingerprints instead of replaying load watermarks. DuckDB xors 64-bit row hashes
    (no sort; the row count guards against pairs cancelling); elsewhere an md5 over the
    sorted row md5s.
#}
{% macro set_fingerprint(columns) -%}
    {{ return(adapter.dispatch('set_fingerprint', 'caseintel')(columns)) }}
{%- endmacro %}

{% macro default__set_fingerprint(columns) -%}
    {%- set row_md5 -%}
    md5(concat_ws('|', {% for c in columns %}coalesce(cast({{ c }} as {{ dbt.type_string() }}), '~'){{ ", " if not loop.last }}{% endfor %}))
    {%- endset -%}
    md5(string_agg({{ row_md5 }}, '' order by {{ row_md5 }}))
{%- endmacro %}

{% macro duckdb__set_fingerprint(columns) -%}
    cast(bit_xor(hash({{ columns | join(', ') }})) as varchar) || ':' || cast(count(*) as varchar)
{%- endmacro %}

{# int_client_grades' post-hook: rows of as-of dates that left the window, and rows graded
   from inputs a person no longer has (merged away, enrollments deleted or changed). #}
{% macro delete_stale_grades() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where as_of_date not in (select as_of_date from {{ ref('int_as_of_dates') }})
        or input_fingerprint is null
        or {{ dbt.concat(['person_id', "'/'", 'input_fingerprint']) }} not in (
            select {{ dbt.concat(['person_id', "'/'", 'input_fingerprint']) }}
            from {{ ref('int_grade_inputs') }}
        )
    {%- endif -%}
{%- endmacro %}

{#
    Staging over raw tables that keep every version a source sent (HMIS exports repeat a
    site's history; screens and milestones are re-sent). Built incrementally, a run re-ranks
    only the keys that loads since the last build carried, over every version raw holds of
    them, and replaces those keys; a key whose newest version is deleted at the source leaves
    a placeholder row, which the post-hook (`delete_placeholders`) removes. These models live
    in models/staging/versioned/, configured in dbt_project.yml.

    `versioned_rows(table_name, key, id_column, order, incremental)`: the CTEs `touched`
    (incremental runs: the `key`s loaded since the last build) and `versioned`: the candidate
    raw rows with `version_rank`, 1 for the newest version (by `order`) of each site x
    `id_column`. The key is `<site>:<id>` (`site_key`).
    `staged_rows(key, incremental)`: the model's rows (CTE `renamed`) plus the touched keys'
    placeholders. The model passes its own `is_incremental()`: dbt's unit tests override that
    macro in the model's context only, not inside another macro.
#}
{% macro versioned_rows(table_name, key, id_column, order, incremental) -%}
source as (
    {{ select_source('raw', table_name) }}
),

{% if incremental -%}
touched as (
    select distinct {{ key }} from (
        {{ caseintel.loaded_since('raw', table_name, {key: caseintel.site_key('_site', id_column)}) }}
    ) as loaded
),

candidates as (
    select * from source
    where {{ caseintel.site_key('_site', id_column) }} in (select {{ key }} from touched)
),
{%- else -%}
candidates as (
    select * from source
),
{%- endif %}

versioned as (
    select
        candidates.*,
        row_number() over (
            partition by _site, {{ caseintel.clean_text(id_column) }}
            order by {{ order }}
        ) as version_rank
    from candidates
)
{%- endmacro %}

{% macro staged_rows(key, incremental) -%}
select * from renamed
{%- if incremental %}
union all
{{ caseintel.placeholder_rows(key, 'touched') }}
{%- endif %}
{%- endmacro %}

{#
    For a large table whose rows are cheap to compute but dear to write (millions of rows,
    each built from several models): a run computes every row (`rows`, a CTE), fingerprints
    the rows of each `key` group on both sides, and writes only the groups whose rows
    differ from what the model holds: new, changed and gone groups. Nothing needs to say why
    a group changed (a new source row, a relink, a renamed project, notes read again under a
    new rubric), so the rule cannot miss a cause. Use with `unique_key=key`,
    `incremental_strategy='delete+insert'`, `on_schema_change='fail'` (the fingerprint covers
    the columns the model holds: a change of columns needs `--full-refresh`) and the post-hook
    `delete_placeholders(row_key)`: a gone group gets one placeholder row (null `row_key`)
    so that its rows are deleted. `row_key` must be unique: on DuckDB the fingerprint xors
    row hashes, and two equal rows would cancel.
#}
{% macro replace_changed(rows, key, row_key) -%}
{%- set columns = [] -%}
{%- for column in adapter.get_columns_in_relation(this) if column.name | lower != key -%}
{%- do columns.append(adapter.quote(column.name)) -%}
{%- endfor -%}
fresh_fingerprints as (
    select {{ key }}, {{ caseintel.set_fingerprint(columns) }} as fingerprint
    from {{ rows }}
    group by {{ key }}
),

held_fingerprints as (
    select {{ key }}, {{ caseintel.set_fingerprint(columns) }} as fingerprint
    from {{ this }}
    group by {{ key }}
),

changed_groups as (
    select coalesce(fresh.{{ key }}, held.{{ key }}) as {{ key }}, fresh.{{ key }} is null as is_gone
    from fresh_fingerprints as fresh
    full outer join held_fingerprints as held
        on held.{{ key }} = fresh.{{ key }}
    where fresh.fingerprint is null
        or held.fingerprint is null
        or fresh.fingerprint <> held.fingerprint
),

gone_groups as (
    select {{ key }} from changed_groups where is_gone
)

select * from {{ rows }}
where {{ key }} in (select {{ key }} from changed_groups)

union all

{{ caseintel.placeholder_rows(key, 'gone_groups') }}
{%- endmacro %}
