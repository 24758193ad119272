{#
    HUD HMIS codes (HMIS CSV FY2024/FY2026). The code lists are seeds (seeds/hud/, schema
    `reference`), read by hud_label; the grouping of living situations is a rule on the
    code's hundreds, so it stays a macro.
#}

{#
    A HUD code's label from its code list, a seed in schema `reference` (seeds/hud/: code,
    label; unique codes): `code` is a SQL expression, null for a code the list lacks.
#}
{% macro hud_label(code_list, code) -%}
    (select {{ code_list }}.label from {{ ref(code_list) }} as {{ code_list }}
     where {{ code_list }}.code = {{ code }})
{%- endmacro %}

{#
    Living-situation / destination codes are 3-digit groups: 1xx homeless, 2xx institutional,
    3xx temporary, 4xx permanent; the 1- and 2-digit codes (8, 9, 17, 24, 30, 37, 99) are
    other. Which destinations count as *movement* is the rubric's list
    (raw.rubric_permanent_destinations), not this grouping.
#}
{% macro living_situation_group(code) -%}
    case
        when {{ code }} between 100 and 199 then 'homeless'
        when {{ code }} between 200 and 299 then 'institutional'
        when {{ code }} between 300 and 399 then 'temporary'
        when {{ code }} between 400 and 499 then 'permanent'
        when {{ code }} is not null then 'other'
    end
{%- endmacro %}
