{%- set p_list = outcome_screen_instruments() -%}

with outcomes as (
    select * from {{ ref('followup_outcomes') }}
),

levels as (
    select 'all' as reporting_level, 1 as level_order, false as keeps_site, false as keeps_program
    union all
    select 'site' as reporting_level, 2 as level_order, true as keeps_site, false as keeps_program
    union all
    select 'program' as reporting_level, 3 as level_order, true as keeps_site, true as keeps_program
),

grouped as (
    select
        outcomes.*,
        levels.reporting_level,
        levels.level_order,
        case when levels.keeps_site then outcomes.site else 'all' end as report_site,
        case when levels.keeps_program then outcomes.program else 'All programs' end as report_program
    from outcomes
    cross join levels
),

aggregated as (
    select
        survey_type,
        min(due_days) as due_days,
        reporting_level,
        level_order,
        report_site as site,
        report_program as program,
        count(*) as people,
        sum(case when is_due then 1 else 0 end) as due,
        sum(case when is_due and has_response then 1 else 0 end) as responded,
        sum(case when followup_status = 'overdue' then 1 else 0 end) as overdue,
        sum(case when followup_status = 'due' then 1 else 0 end) as in_grace,
        sum(case when followup_status = 'not_yet_due' then 1 else 0 end) as not_yet_due,
        sum(case when has_response then 1 else 0 end) as responses,
        sum(case when is_stably_housed_at_followup then 1 else 0 end) as stably_housed,
        count(is_stably_housed_at_followup) as housing_answered,
        sum(case when employment_change in ('gained', 'kept') then 1 else 0 end) as employed,
        sum(case when employment_change = 'gained' then 1 else 0 end) as gained_employment,
        count(employment_change) as employment_compared,
        sum(case when income_change = 'increased' then 1 else 0 end) as income_increased,
        count(income_change) as income_compared,
        {%- for screen in p_list %}
        sum(case when {{ screen.prefix }}_is_improved then 1 else 0 end) as {{ screen.prefix }}_improved,
        count({{ screen.prefix }}_is_improved) as {{ screen.prefix }}_compared{% if not loop.last %},{% endif %}
        {%- endfor %}
    from grouped
    group by survey_type, reporting_level, level_order, report_site, report_program
),

rated as (
    select
        aggregated.*,
        {{ safe_rate('responded', 'due') }} as response_rate,
        {{ safe_rate('stably_housed', 'housing_answered') }} as stably_housed_rate,
        {{ safe_rate('employed', 'employment_compared') }} as employed_rate,
        {{ safe_rate('income_increased', 'income_compared') }} as income_increased_rate,
        {%- for screen in p_list %}
        {{ safe_rate(screen.prefix ~ '_improved', screen.prefix ~ '_compared') }} as {{ screen.prefix }}_improved_rate{% if not loop.last %},{% endif %}
        {%- endfor %}
    from aggregated
)

select * from rated
