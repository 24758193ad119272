{#
    Generic data tests shared by the models.
#}

{# Every non-null value of the column lies in [min_value, max_value]. #}
{% test value_between(model, column_name, min_value, max_value) %}

select *
from {{ model }}
where {{ column_name }} < {{ min_value }}
    or {{ column_name }} > {{ max_value }}

{% endtest %}

{# The column never exceeds another column of the same row (a numerator its denominator). #}
{% test not_greater_than(model, column_name, other_column) %}

select *
from {{ model }}
where {{ column_name }} > {{ other_column }}

{% endtest %}

{#
    None of the listed columns holds a null: one scan of the model for all of them (a
    `not_null` per column scans it once per column, and each is one more node and check per
    run). Fails with one row per column that has nulls; the failure count is null cells.
#}
{% test not_null_columns(model, columns) %}
{{ config(fail_calc = 'coalesce(sum(null_rows), 0)') }}

with nulls as (
    select
    {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as null_{{ loop.index }}
        {{- "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)
{%- for column in columns %}
select '{{ column }}' as column_name, null_{{ loop.index }} as null_rows
from nulls
where null_{{ loop.index }} > 0
{{ "union all" if not loop.last }}
{%- endfor %}

{% endtest %}
