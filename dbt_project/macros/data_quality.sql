{#
    HMIS data quality (HUD's data-quality framework, as in the APR/CAPER Q6): how a flagged
    raw field maps to its element, the classification of one check and the timeliness
    buckets. One place for every rule the DQ marts use; the universal data elements reported,
    with their labels and report order, are seed hud_dq_elements.
#}

{#
    The element a quarantine flag counts against: (raw table, snake_case field) -> element.
    A flag on a field not listed (dates of audit columns, export ids) counts against none.
#}
{% macro dq_flag_element(source_table, field) -%}
    {%- set fields = {
        'hmis_client': {
            'name': ['first_name', 'last_name', 'name_data_quality'],
            'ssn': ['ssn', 'ssn_data_quality'],
            'dob': ['dob', 'dob_data_quality'],
            'race_ethnicity': ['am_ind_ak_native', 'asian', 'black_af_american', 'hispanic_latinaeo',
                               'mid_east_n_african', 'native_hi_pacific', 'white', 'race_none',
                               'additional_race_ethnicity'],
            'sex_gender': ['sex', 'woman', 'man', 'non_binary', 'culturally_specific', 'transgender',
                           'questioning', 'different_identity', 'gender_none'],
            'veteran_status': ['veteran_status'],
        },
        'hmis_enrollment': {
            'project_start_date': ['entry_date'],
            'relationship_to_hoh': ['relationship_to_ho_h'],
            'enrollment_coc': ['enrollment_co_c'],
            'disabling_condition': ['disabling_condition'],
            'prior_living_situation': ['living_situation'],
        },
        'hmis_exit': {
            'destination': ['destination'],
        },
        'hmis_income_benefits': {
            'income_at_entry': ['income_from_any_source', 'total_monthly_income'],
        },
    } -%}
    case
        {%- for table, elements in fields.items() %}
        {%- for element, columns in elements.items() %}
        when {{ source_table }} = '{{ table }}' and {{ field }} in ('{{ columns | join("', '") }}')
            then '{{ element }}'
        {%- endfor %}
        {%- endfor %}
    end
{%- endmacro %}

{#
    One check's category. HUD's categories exclude each other: "client doesn't know /
    prefers not to answer" (codes 8, 9) first, then a field the ingest contract flagged (a
    code outside HUD's list is a data issue, not a missing value), then "information
    missing" (99, blank), then the element's own data-issue rules; else complete.
#}
{% macro dq_category(is_dk_pna, is_flagged, is_missing, is_data_issue) -%}
    case
        when coalesce({{ is_dk_pna }}, false) then 'dk_pna'
        when coalesce({{ is_flagged }}, false) then 'data_issue'
        when coalesce({{ is_missing }}, false) then 'missing'
        when coalesce({{ is_data_issue }}, false) then 'data_issue'
        else 'complete'
    end
{%- endmacro %}

{# HUD's client-doesn't-know / prefers-not-to-answer codes. #}
{% macro dq_dk_pna_codes() -%}(8, 9){%- endmacro %}

{#
    Timeliness bucket of the days from a project start (or exit) to the record's creation
    (HUD: 0, 1-3, 4-6, 7-10, 11+ days). A record created before the date counts as 0 days.
#}
{% macro dq_timeliness_bucket(days) -%}
    case
        when {{ days }} is null then 'unknown'
        when {{ days }} <= 0 then '0 days'
        when {{ days }} <= 3 then '1-3 days'
        when {{ days }} <= 6 then '4-6 days'
        when {{ days }} <= 10 then '7-10 days'
        else '11+ days'
    end
{%- endmacro %}

{# The buckets in order, as (bucket, column suffix). #}
{% macro dq_timeliness_buckets() -%}
    {{- return([
        {'bucket': '0 days', 'column': 'days_0'},
        {'bucket': '1-3 days', 'column': 'days_1_3'},
        {'bucket': '4-6 days', 'column': 'days_4_6'},
        {'bucket': '7-10 days', 'column': 'days_7_10'},
        {'bucket': '11+ days', 'column': 'days_11_plus'},
        {'bucket': 'unknown', 'column': 'days_unknown'},
    ]) -}}
{%- endmacro %}

{#
    is_dk_pna and is_missing of an element recorded as a HUD code (`code`): 8 or 9 is
    doesn't know / prefers not to answer; 99 or blank is missing, and so is any of
    `missing_if` (SQL conditions under which the element counts missing besides).
#}
{% macro dq_code_answers(code, missing_if=[]) -%}
        {{ code }} in {{ caseintel.dq_dk_pna_codes() }} as is_dk_pna,
        {{ code }} = 99
            or {{ code }} is null
            {%- for condition in missing_if %}
            or {{ condition }}
            {%- endfor %} as is_missing
{%- endmacro %}
