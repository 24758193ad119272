{#
    Typing raw text. Every raw column is text; staging types it with these helpers so a bad
    value becomes null instead of failing the build. `try_cast_as` is dispatched per adapter:
    DuckDB uses try_cast, PostgreSQL casts only text of the right shape (below), and other
    adapters fall back to dbt.safe_cast (try_cast / safe_cast where the engine has one).
#}

{% macro try_cast_as(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast_as', 'caseintel')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast_as(expression, data_type) -%}
    {{ dbt.safe_cast(expression, data_type) }}
{%- endmacro %}

{% macro duckdb__try_cast_as(expression, data_type) -%}
    {%- if data_type | lower in ('integer', 'int', 'int4', 'bigint', 'int8', 'smallint') -%}
    {#- try_cast would round '1.5' to 2; a whole number is required, as on other engines -#}
    case
        when regexp_full_match({{ expression }}, '[+-]?[0-9]+')
            then try_cast({{ expression }} as {{ data_type }})
    end
    {%- else -%}
    try_cast({{ expression }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{#
    PostgreSQL has no try_cast (and pg_input_is_valid only from 16 on): cast only text whose
    shape the type accepts, and for dates also check the day exists in that month.
#}
{% macro postgres__try_cast_as(expression, data_type) -%}
    {%- set kind = data_type | lower -%}
    {%- set date_shape = "'^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" -%}
    {%- set real_day = "to_char(make_date(cast(substr(" ~ expression ~ ", 1, 4) as integer), cast(substr("
        ~ expression ~ ", 6, 2) as integer), 1) + (cast(substr(" ~ expression ~ ", 9, 2) as integer) - 1), 'YYYY-MM-DD')"
        ~ " = substr(" ~ expression ~ ", 1, 10)" -%}
    {%- if kind == 'date' -%}
    case
        when {{ expression }} ~ {{ date_shape }}$'
            then case when {{ real_day }} then cast({{ expression }} as date) end
    end
    {%- elif 'timestamp' in kind -%}
    case
        when {{ expression }} ~ {{ date_shape }}([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?)?$'
            then case when {{ real_day }} then cast({{ expression }} as {{ data_type }}) end
    end
    {%- elif kind in ('integer', 'int', 'int4', 'smallint') -%}
    case when {{ expression }} ~ '^[+-]?[0-9]{1,9}$' then cast({{ expression }} as {{ data_type }}) end
    {%- elif kind in ('bigint', 'int8') -%}
    case when {{ expression }} ~ '^[+-]?[0-9]{1,18}$' then cast({{ expression }} as {{ data_type }}) end
    {%- elif kind.startswith('numeric') or kind.startswith('decimal') -%}
    case when {{ expression }} ~ '^[+-]?([0-9]{1,12}(\.[0-9]*)?|\.[0-9]+)$' then cast({{ expression }} as {{ data_type }}) end
    {%- else -%}
    cast({{ expression }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{# Trimmed text (spaces, tabs, line breaks), empty string as null. Works on text and on
   already-typed columns. #}
{% macro clean_text(column) -%}
    nullif({{ caseintel.trim_whitespace('cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') }}, '')
{%- endmacro %}

{# Lower-cased clean text, for code-like values (`Met` -> `met`, `Attempted_Contact`). #}
{% macro clean_code(column) -%}
    lower({{ clean_text(column) }})
{%- endmacro %}

{#
    A date or timestamp in any layout vendors write (macros/vendor_values.sql; a timestamp's
    date part is a date). `pivot` decides two-digit years: HMIS staging passes the row's
    export date (hmis_pivot), other sources the day of the build.
#}
{% macro to_date(column, pivot='current_date') -%}
    {{ caseintel.vendor_date(caseintel.clean_text(column), pivot) }}
{%- endmacro %}

{% macro to_timestamp(column, pivot='current_date') -%}
    {{ caseintel.vendor_timestamp(caseintel.clean_text(column), pivot) }}
{%- endmacro %}

{# A whole number; `1.0` is 1 (spreadsheets write codes so), `1.5` is not a whole number. #}
{% macro to_int(column) -%}
    {{ caseintel.try_cast_as(caseintel.strip_decimal_zeros(caseintel.clean_text(column)), dbt.type_int()) }}
{%- endmacro %}

{% macro to_bigint(column) -%}
    {{ caseintel.try_cast_as(caseintel.strip_decimal_zeros(caseintel.clean_text(column)), dbt.type_bigint()) }}
{%- endmacro %}

{# Dollars: `$1,250.00`, `1250`, `1250.5` -> numeric; anything else -> null. #}
{% macro to_money(column) -%}
    {{ caseintel.try_cast_as(
        "replace(replace(" ~ caseintel.clean_text(column) ~ ", '$', ''), ',', '')",
        'numeric(14, 2)'
    ) }}
{%- endmacro %}

{# Form answers `yes` / `no` (also y/n, true/false, 1/0) -> boolean; anything else -> null. #}
{% macro to_yes_no(column) -%}
    case
        when {{ caseintel.clean_code(column) }} in ('yes', 'y', 'true', '1') then true
        when {{ caseintel.clean_code(column) }} in ('no', 'n', 'false', '0') then false
    end
{%- endmacro %}

{# Any value as text, for building keys and sentences (dates render as YYYY-MM-DD). #}
{% macro as_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}
