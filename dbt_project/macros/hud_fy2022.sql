{#
    FY2022 codes read as their FY2024 meaning (HUD's FY2024 transition; Green River's and
    HUD Data Lab's FY2022->FY2024 transformers map them so). orchestration/layouts.py
    holds the same rule for ingest; a test holds the two to one answer.
#}

{# A living situation or destination: FY2024 numbers each FY2022 code by its group
   (1xx homeless, 2xx institutional, 3xx temporary, 4xx permanent); every subsidised
   rental became 435 (the subsidy moved to its own column); 8, 9, 17, 24, 30, 37, 99 stay. #}
{% macro fy2024_living_situation(code, layout) -%}
    case
        when {{ layout }} <> 'FY2022' or {{ layout }} is null then {{ code }}
        when {{ code }} in (1, 16, 18) then 100 + {{ code }}
        when {{ code }} in (4, 5, 6, 7, 15, 25) then 200 + {{ code }}
        when {{ code }} in (2, 12, 13, 14, 27, 29, 32, 35, 36) then 300 + {{ code }}
        when {{ code }} in (10, 11, 21, 22, 23, 26) then 400 + {{ code }}
        when {{ code }} in (3, 19, 20, 28, 31, 33, 34) then 435
        else {{ code }}
    end
{%- endmacro %}

{# A project type: FY2022's emergency shelter (1) was entry/exit (FY2024 0) unless its
   TrackingMethod was night-by-night (3). #}
{% macro fy2024_project_type(code, tracking_method, layout) -%}
    case
        when {{ layout }} = 'FY2022' and {{ code }} = 1 and coalesce({{ tracking_method }}, 0) <> 3
            then 0
        else {{ code }}
    end
{%- endmacro %}
