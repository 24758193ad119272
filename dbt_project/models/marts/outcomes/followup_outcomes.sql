with followups as (
    select * from {{ ref('int_outcome_followups') }}
),

screen_rules as (
    select * from {{ ref('stg_rubric__screen_rules') }}
),

outcomes as (
    select
        followups.person_id,
        followups.survey_type,
        followups.as_of_date,
        followups.is_enrolled,
        followups.site,
        followups.program,
        followups.project_type,
        followups.baseline_date,
        followups.baseline_enrollment_key,
        followups.due_days,
        followups.due_date,
        followups.grace_end_date,
        followups.followup_status,
        followups.grace_end_date < followups.as_of_date as is_due,
        followups.response_record_key is not null as has_response,
        followups.response_date,
        {{ days_between('followups.due_date', 'followups.response_date') }} as days_from_due_to_response,
        case
            when followups.followup_status = 'overdue'
                then {{ days_between('followups.grace_end_date', 'followups.as_of_date') }}
        end as days_overdue,
        followups.baseline_living_situation_group,
        followups.followup_housing_status,
        case
            when followups.followup_housing_status is not null
                then followups.followup_housing_status in ('{{ followup_stably_housed_statuses() | join("', '") }}')
        end as is_stably_housed_at_followup,
        followups.baseline_is_employed,
        followups.followup_is_employed,
        case
            when followups.baseline_is_employed is null or followups.followup_is_employed is null then null
            when followups.followup_is_employed and not followups.baseline_is_employed then 'gained'
            when followups.followup_is_employed then 'kept'
            when followups.baseline_is_employed then 'lost'
            else 'still_not_employed'
        end as employment_change,
        followups.baseline_monthly_income,
        followups.baseline_income_source,
        followups.followup_monthly_income,
        followups.followup_monthly_income - followups.baseline_monthly_income as monthly_income_change,
        case
            when followups.followup_monthly_income > followups.baseline_monthly_income then 'increased'
            when followups.followup_monthly_income < followups.baseline_monthly_income then 'decreased'
            when followups.followup_monthly_income = followups.baseline_monthly_income then 'unchanged'
        end as income_change,
        {%- for screen in outcome_screen_instruments() %}
        {%- set p = screen.prefix %}
        followups.{{ p }}_baseline_date,
        followups.{{ p }}_baseline_score,
        {{ screen_severity_band("'" ~ screen.instrument ~ "'", 'followups.' ~ p ~ '_baseline_score') }} as {{ p }}_baseline_band,
        followups.{{ p }}_followup_date,
        followups.{{ p }}_followup_score,
        {{ screen_severity_band("'" ~ screen.instrument ~ "'", 'followups.' ~ p ~ '_followup_score') }} as {{ p }}_followup_band,
        followups.{{ p }}_followup_score - followups.{{ p }}_baseline_score as {{ p }}_score_change,
        case
            when followups.{{ p }}_followup_score is not null and followups.{{ p }}_baseline_score is not null
                then followups.{{ p }}_baseline_score - followups.{{ p }}_followup_score >= {{ p }}_rule.minimal_change
        end as {{ p }}_is_improved{% if not loop.last %},{% endif %}
        {%- endfor %}
    from followups
    {%- for screen in outcome_screen_instruments() %}
    left join screen_rules as {{ screen.prefix }}_rule
        on {{ screen.prefix }}_rule.instrument = '{{ screen.instrument }}'
    {%- endfor %}
)

select * from outcomes
