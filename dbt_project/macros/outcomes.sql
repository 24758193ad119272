{#
    Follow-up outcomes: the rules the outcome models share. Due days and grace days are
    rubric rows (stg_rubric__followups), minimal screen changes too (stg_rubric__screen_rules);
    this file holds only what the rubric does not: the screen instruments reported, their
    severity bands, and how close to the baseline a baseline measurement must be.
#}

{# Validated screens reported, as (instrument as recorded, column prefix). #}
{% macro outcome_screen_instruments() -%}
    {{- return([
        {'instrument': 'PHQ-9', 'prefix': 'phq9'},
        {'instrument': 'GAD-7', 'prefix': 'gad7'},
    ]) -}}
{%- endmacro %}

{#
    A baseline measurement (intake answers, a screen) belongs to the baseline when it is
    dated within this many days of the baseline date, before or after; the closest wins.
#}
{% macro outcome_baseline_window_days() -%}
    {{- return(30) -}}
{%- endmacro %}

{#
    Severity band of a screen total. PHQ-9 (0-27): 0-4 minimal, 5-9 mild, 10-14 moderate,
    15-19 moderately severe, 20-27 severe. GAD-7 (0-21): 0-4 minimal, 5-9 mild, 10-14
    moderate, 15-21 severe. A total outside the instrument's range has no band.
#}
{% macro screen_severity_band(instrument, score) -%}
    case
        when {{ instrument }} = 'PHQ-9' then
            case
                when {{ score }} between 0 and 4 then 'minimal'
                when {{ score }} between 5 and 9 then 'mild'
                when {{ score }} between 10 and 14 then 'moderate'
                when {{ score }} between 15 and 19 then 'moderately severe'
                when {{ score }} between 20 and 27 then 'severe'
            end
        when {{ instrument }} = 'GAD-7' then
            case
                when {{ score }} between 0 and 4 then 'minimal'
                when {{ score }} between 5 and 9 then 'mild'
                when {{ score }} between 10 and 14 then 'moderate'
                when {{ score }} between 15 and 21 then 'severe'
            end
    end
{%- endmacro %}

{# Survey housing_status values that count as stably housed at follow-up. #}
{% macro followup_stably_housed_statuses() -%}
    {{- return(['stably_housed']) -}}
{%- endmacro %}
