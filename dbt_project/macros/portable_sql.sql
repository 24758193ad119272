{#
    Small SQL helpers that engines spell differently. Dispatched like try_cast_as: the default
    is standard SQL (PostgreSQL), DuckDB gets its own spelling where it has one.
#}

{# A double-precision float type (dbt's type_float is single precision on DuckDB). #}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'caseintel')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro bigquery__type_double() -%}
    float64
{%- endmacro %}

{# The median of a numeric expression, as an aggregate. #}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'caseintel')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{# True when text is made only of the characters in `alphabet` (and is not empty). #}
{% macro only_characters(expression, alphabet) -%}
    (
        length({{ expression }}) > 0
        and translate({{ expression }}, '{{ alphabet }}', '') = ''
    )
{%- endmacro %}

{# True when text is exactly `count` decimal digits. #}
{% macro is_digits(expression, count) -%}
    (length({{ expression }}) = {{ count }} and {{ only_characters(expression, '0123456789') }})
{%- endmacro %}

{#
    Merge overlapping or touching half-open date intervals [start, end) of `relation` within
    each partition: a select of the partition columns plus `start_column`/`end_column` of
    each merged island. Gaps-and-islands with window functions only, so it runs anywhere.
#}
{% macro merge_intervals(relation, partition_by, start_column, end_column) -%}
    {%- set keys = partition_by | join(', ') -%}
    select
        {{ keys }},
        min({{ start_column }}) as {{ start_column }},
        max({{ end_column }}) as {{ end_column }}
    from (
        select
            flagged.*,
            sum(starts_island) over (
                partition by {{ keys }}
                order by {{ start_column }}, {{ end_column }}
                rows between unbounded preceding and current row
            ) as island
        from (
            select
                intervals.*,
                case
                    when max({{ end_column }}) over (
                        partition by {{ keys }}
                        order by {{ start_column }}, {{ end_column }}
                        rows between unbounded preceding and 1 preceding
                    ) >= {{ start_column }}
                        then 0
                    else 1
                end as starts_island
            from {{ relation }} as intervals
        ) as flagged
    ) as numbered
    group by {{ keys }}, island
{%- endmacro %}
