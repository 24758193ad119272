{#
    Values as HMIS vendors and spreadsheets write them, read in SQL the way ingest reads them
    in Python (orchestration/ingest/vendor.py; a test holds the two to one answer).

    Dates: YYYY-MM-DD, M/D/YYYY, M/D/YY, DD-MON-YY(YY), MM-DD-YYYY, MM-DD-YY, each optionally
    followed by a time (HH:MM, HH:MM:SS, fractions, AM/PM, a T separator, a Z or +hh:mm
    offset: the wall-clock time is kept, the offset dropped). A two-digit year is the latest
    year ending in those digits that does not put the date after `pivot` (an HMIS row's
    export date), so a date of birth is never after the export. Only `~` with anchored
    patterns, regexp_replace with back references, split_part and lpad are used: the same
    text runs on DuckDB and PostgreSQL.
#}

{# The optional time after a date, to the end of the value (a regex fragment). #}
{% macro _time_pattern() -%}
    ([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? *([AaPp][Mm])? *(Z|[+-][0-9]{2}:?[0-9]{2})?)?$
{%- endmacro %}

{# Surrounding spaces, tabs and line breaks removed. #}
{% macro trim_whitespace(expression) -%}
    {{ return(adapter.dispatch('trim_whitespace', 'caseintel')(expression)) }}
{%- endmacro %}

{% macro default__trim_whitespace(expression) -%}
    trim({{ expression }})
{%- endmacro %}

{% macro duckdb__trim_whitespace(expression) -%}
    trim({{ expression }}, ' ' || chr(9) || chr(10) || chr(13) || chr(160))
{%- endmacro %}

{% macro postgres__trim_whitespace(expression) -%}
    btrim({{ expression }}, ' ' || chr(9) || chr(10) || chr(13) || chr(160))
{%- endmacro %}

{# One- or two-digit month and day of `YYYY-M-D` text padded to two. #}
{% macro _pad_date(text) -%}
    regexp_replace(regexp_replace({{ text }}, '-([0-9])-', '-0\1-'), '-([0-9])$', '-0\1')
{%- endmacro %}

{# `YYYY-MM-DD` text from `YY-MM-DD` text: the latest century not after `pivot`. #}
{% macro _century(text, pivot) -%}
    case
        when '20' || {{ text }} <= {{ dbt.cast(pivot, dbt.type_string()) }} then '20' || {{ text }}
        else '19' || {{ text }}
    end
{%- endmacro %}

{# A month name of `YY-MON-DD` text as its number. #}
{% macro _month_number(text) -%}
    {%- set ns = namespace(sql='upper(' ~ text ~ ')') -%}
    {%- for name in ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] -%}
        {%- set ns.sql = "replace(" ~ ns.sql ~ ", '-" ~ name ~ "-', '-" ~ "%02d" | format(loop.index) ~ "-')" -%}
    {%- endfor -%}
    {{ ns.sql }}
{%- endmacro %}

{# `YYYY-MM-DD` text of a value's date part in any layout (not yet checked to be a real
   date), or null when it is in none. #}
{% macro _iso_date_text(v, pivot) -%}
    {%- set time = caseintel._time_pattern() -%}
    {%- set two = "([0-9]{2})" ~ time -%}
    case
        when {{ v }} ~ '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}{{ time }}'
            then {{ caseintel._pad_date("regexp_replace(" ~ v ~ ", '^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2}).*$', '\\1-\\2-\\3')") }}
        when {{ v }} ~ '^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}{{ time }}'
            then {{ caseintel._pad_date("regexp_replace(" ~ v ~ ", '^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}).*$', '\\3-\\1-\\2')") }}
        when {{ v }} ~ '^[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}{{ time }}'
            then {{ caseintel._pad_date("regexp_replace(" ~ v ~ ", '^([0-9]{1,2})-([0-9]{1,2})-([0-9]{4}).*$', '\\3-\\1-\\2')") }}
        when {{ v }} ~ '^[0-9]{1,2}-[A-Za-z]{3}-[0-9]{4}{{ time }}'
            then {{ caseintel._pad_date(caseintel._month_number("regexp_replace(" ~ v ~ ", '^([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4}).*$', '\\3-\\2-\\1')")) }}
        when {{ v }} ~ '^[0-9]{1,2}/[0-9]{1,2}/{{ two }}'
            then {{ caseintel._century(caseintel._pad_date("regexp_replace(" ~ v ~ ", '^([0-9]{1,2})/([0-9]{1,2})/([0-9]{2}).*$', '\\3-\\1-\\2')"), pivot) }}
        when {{ v }} ~ '^[0-9]{1,2}-[0-9]{1,2}-{{ two }}'
            then {{ caseintel._century(caseintel._pad_date("regexp_replace(" ~ v ~ ", '^([0-9]{1,2})-([0-9]{1,2})-([0-9]{2}).*$', '\\3-\\1-\\2')"), pivot) }}
        when {{ v }} ~ '^[0-9]{1,2}-[A-Za-z]{3}-{{ two }}'
            then {{ caseintel._century(caseintel._pad_date(caseintel._month_number("regexp_replace(" ~ v ~ ", '^([0-9]{1,2})-([A-Za-z]{3})-([0-9]{2}).*$', '\\3-\\2-\\1')")), pivot) }}
    end
{%- endmacro %}

{# `HH:MM:SS` (24-hour) of a value's time part; null when it has none or the hour does not
   fit its AM/PM. Minutes and seconds are checked by the cast. #}
{% macro _time_text(v) -%}
    {%- set hms = "regexp_replace(regexp_replace(" ~ v ~ ", '^.*[ T]([0-9]{1,2}:[0-9]{2})(:[0-9]{2})?.*$', '\\1\\2'), '^([0-9]{1,2}:[0-9]{2})$', '\\1:00')" -%}
    {%- set hour = "cast(split_part(" ~ hms ~ ", ':', 1) as " ~ dbt.type_int() ~ ")" -%}
    {%- set rest = "substr(" ~ hms ~ ", length(split_part(" ~ hms ~ ", ':', 1)) + 1)" -%}
    {%- set ampm = "upper(regexp_replace(" ~ v ~ ", '^.*[0-9] *([AaPp][Mm]) *(Z|[+-][0-9]{2}:?[0-9]{2})?$', '\\1'))" -%}
    case
        when not {{ v }} ~ '[ T][0-9]{1,2}:[0-9]{2}' then null
        when {{ ampm }} not in ('AM', 'PM')
            then lpad(split_part({{ hms }}, ':', 1), 2, '0') || {{ rest }}
        when {{ hour }} not between 1 and 12 then null
        else lpad(cast({{ hour }} % 12 + case when {{ ampm }} = 'PM' then 12 else 0 end
                       as {{ dbt.type_string() }}), 2, '0') || {{ rest }}
    end
{%- endmacro %}

{# A date in any vendor layout, as a date (null when it is in none or is not real). #}
{% macro vendor_date(v, pivot) -%}
    case
        when {{ v }} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then {{ caseintel.try_cast_as(v, 'date') }}
        else {{ caseintel.try_cast_as(caseintel._iso_date_text(v, pivot), 'date') }}
    end
{%- endmacro %}

{# A date and time in any vendor layout, as a timestamp (a date alone is midnight). #}
{% macro vendor_timestamp(v, pivot) -%}
    case
        when {{ v }} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$'
            then {{ caseintel.try_cast_as(v, dbt.type_timestamp()) }}
        when {{ v }} ~ '[ T][0-9]{1,2}:[0-9]{2}'
            then {{ caseintel.try_cast_as(caseintel._iso_date_text(v, pivot) ~ " || ' ' || "
                                          ~ caseintel._time_text(v), dbt.type_timestamp()) }}
        else {{ caseintel.try_cast_as(caseintel._iso_date_text(v, pivot) ~ " || ' 00:00:00'",
                                      dbt.type_timestamp()) }}
    end
{%- endmacro %}

{# A code as plain digits: `1.0` -> `1` (spreadsheets write whole numbers so). #}
{% macro strip_decimal_zeros(v) -%}
    regexp_replace({{ v }}, '^([+-]?[0-9]+)[.]0+$', '\1')
{%- endmacro %}

{# The pivot for an HMIS row's two-digit years: its export's date (lineage), else its load. #}
{% macro hmis_pivot() -%}
    coalesce({{ caseintel.try_cast_as('_export_date', 'date') }}, cast(_loaded_at as date))
{%- endmacro %}

{# The export an HMIS row came in (Export.csv's ExportID, lineage), whatever ExportID a
   vendor stamped on the row itself (raw keeps that; ingest flags the difference). #}
{% macro hmis_export_id() -%}
    coalesce({{ caseintel.clean_text('_export_id') }}, {{ caseintel.clean_text('export_id') }})
{%- endmacro %}
