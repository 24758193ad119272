{#
    HUD HMIS code lists (HMIS CSV FY2024/FY2026). Every decode of a HUD code lives here.
#}

{# Project.csv ProjectType -> name. #}
{% macro project_type_name(code) -%}
    case {{ code }}
        when 0 then 'Emergency shelter - entry/exit'
        when 1 then 'Emergency shelter - night-by-night'
        when 2 then 'Transitional housing'
        when 3 then 'PH - permanent supportive housing'
        when 4 then 'Street outreach'
        when 6 then 'Services only'
        when 7 then 'Other'
        when 8 then 'Safe haven'
        when 9 then 'PH - housing only'
        when 10 then 'PH - housing with services'
        when 11 then 'Day shelter'
        when 12 then 'Homelessness prevention'
        when 13 then 'PH - rapid re-housing'
        when 14 then 'Coordinated entry'
    end
{%- endmacro %}

{# Enrollment.csv RelationshipToHoH -> name. #}
{% macro relationship_to_hoh_name(code) -%}
    case {{ code }}
        when 1 then 'Self (head of household)'
        when 2 then 'Child'
        when 3 then 'Spouse or partner'
        when 4 then 'Other relative'
        when 5 then 'Unrelated household member'
        when 99 then 'Data not collected'
    end
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

{# Yes/no/unknown fields: 0 no, 1 yes, 8 doesn't know, 9 prefers not to answer, 99 not collected. #}
{% macro no_yes_reasons_name(code) -%}
    case {{ code }}
        when 0 then 'No'
        when 1 then 'Yes'
        when 8 then 'Client doesn''t know'
        when 9 then 'Client prefers not to answer'
        when 99 then 'Data not collected'
    end
{%- endmacro %}
