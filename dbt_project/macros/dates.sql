{#
    The as-of date, the month spine and portable date arithmetic.
#}

{#
    A `YYYY-MM-DD` var as that text, checked (a compile error names the var); none when it is
    unset or blank. Every date var is read here.
#}
{% macro date_var_text(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set value = value | string | trim -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be YYYY-MM-DD, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{- return(value) -}}
{%- endmacro %}

{# var `as_of_date` (or the date the run started) as `YYYY-MM-DD` text. #}
{% macro as_of_date_text() -%}
    {{- return(date_var_text('as_of_date') or run_started_at.strftime('%Y-%m-%d')) -}}
{%- endmacro %}

{# The date grades are computed for (as_of_date_text()) as a SQL date literal. #}
{% macro as_of_date() -%}
    cast('{{ as_of_date_text() }}' as date)
{%- endmacro %}

{# var `history_months` as an integer (how many month-ends before the as-of date). #}
{% macro history_months() -%}
    {{- return(var('history_months', 12) | int) -}}
{%- endmacro %}

{#
    A small integer spine 0..count-1 as a select with one column `n`. Written out as a
    union so it runs on any engine (no generate_series); meant for small counts.
#}
{% macro integer_spine(count) -%}
    {%- if count | int < 1 %}
    select 0 as n where 1 = 0
    {%- endif %}
    {%- for i in range(count | int) %}
    select {{ i }} as n{% if not loop.last %} union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{# date + n days / months, as a date (dbt.dateadd returns a timestamp on some engines). #}
{% macro add_days(date_expression, days) -%}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}

{% macro add_months(date_expression, months) -%}
    cast({{ dbt.dateadd('month', months, date_expression) }} as date)
{%- endmacro %}

{# First day of the date's month, as a date. #}
{% macro month_start(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}

{# Whole days from start to end (end - start). #}
{% macro days_between(start_date, end_date) -%}
    cast({{ dbt.datediff(start_date, end_date, 'day') }} as {{ dbt.type_int() }})
{%- endmacro %}

{#
    Whole months elapsed from start to end: calendar-month boundaries crossed, minus one when
    end's day of month has not reached start's (2026-07-31 -> 2026-10-30 is 2 months).
#}
{% macro full_months_between(start_date, end_date) -%}
    {%- set boundaries = 'cast(' ~ dbt.datediff(start_date, end_date, 'month') ~ ' as ' ~ dbt.type_int() ~ ')' -%}
    (
        {{ boundaries }}
        - case
            when {{ caseintel.add_months(start_date, boundaries) }} > {{ end_date }}
                then 1
            else 0
        end
    )
{%- endmacro %}
