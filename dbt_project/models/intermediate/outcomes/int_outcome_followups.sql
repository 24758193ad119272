{#
    One row per person with a baseline x follow-up survey type of the rubric
    (stg_rubric__followups): when it is due, whether and when it was answered, and the
    follow-up measures.

    - Due date: baseline + due_days; the window closes grace_days later (grace_end_date).
    - The response: the person's first survey of that type submitted after the baseline and
      by the as-of date (the momentum rule's "answered").
    - Status: responded; overdue (no response and the window closed before the as-of date,
      the momentum rule's overdue); due (in its grace days); not_yet_due.
    - Follow-up screens: per instrument, the latest screen after the baseline screen (after
      the baseline date when there is none) and by the follow-up point: the response date,
      else the window's close (or the as-of date, if earlier).
#}
with as_of as (
    select as_of_date from {{ ref('int_as_of_dates') }}
    where is_current
),

baselines as (
    select * from {{ ref('int_outcome_baselines') }}
),

followups as (
    select * from {{ ref('stg_rubric__followups') }}
),

survey_responses as (
    select * from {{ ref('stg_surveys__responses') }}
),

record_links as (
    select * from {{ ref('int_record_links') }}
),

screens as (
    select * from {{ ref('int_outcome_screens') }}
),

followups_due as (
    select
        baselines.*,
        followups.survey_type,
        followups.due_days,
        followups.grace_days,
        {{ add_days('baselines.baseline_date', 'followups.due_days') }} as due_date,
        {{ add_days('baselines.baseline_date', 'followups.due_days + followups.grace_days') }} as grace_end_date
    from baselines
    cross join followups
),

linked_responses as (
    select
        record_links.person_id,
        survey_responses.record_key,
        survey_responses.survey_type,
        survey_responses.submitted_date,
        survey_responses.housing_status,
        survey_responses.is_employed,
        survey_responses.monthly_income
    from survey_responses
    inner join record_links
        on record_links.record_key = survey_responses.record_key
    where survey_responses.submitted_date is not null
),

first_responses as (
    select
        followups_due.person_id,
        followups_due.survey_type,
        linked_responses.record_key,
        linked_responses.submitted_date,
        linked_responses.housing_status,
        linked_responses.is_employed,
        linked_responses.monthly_income,
        row_number() over (
            partition by followups_due.person_id, followups_due.survey_type
            order by linked_responses.submitted_date, linked_responses.record_key
        ) as response_rank
    from followups_due
    inner join linked_responses
        on linked_responses.person_id = followups_due.person_id
        and linked_responses.survey_type = followups_due.survey_type
        and linked_responses.submitted_date > followups_due.baseline_date
        and linked_responses.submitted_date <= followups_due.as_of_date
),

answered as (
    select
        followups_due.*,
        first_responses.record_key as response_record_key,
        first_responses.submitted_date as response_date,
        first_responses.housing_status as followup_housing_status,
        first_responses.is_employed as followup_is_employed,
        first_responses.monthly_income as followup_monthly_income,
        case
            when first_responses.record_key is not null then 'responded'
            when followups_due.grace_end_date < followups_due.as_of_date then 'overdue'
            when followups_due.due_date <= followups_due.as_of_date then 'due'
            else 'not_yet_due'
        end as followup_status,
        coalesce(
            first_responses.submitted_date,
            least(followups_due.grace_end_date, followups_due.as_of_date)
        ) as followup_point_date
    from followups_due
    left join first_responses
        on first_responses.person_id = followups_due.person_id
        and first_responses.survey_type = followups_due.survey_type
        and first_responses.response_rank = 1
),

{%- for screen in outcome_screen_instruments() %}

{{ screen.prefix }}_followup_screens as (
    select
        answered.person_id,
        answered.survey_type,
        screens.screen_key,
        screens.screen_date,
        screens.total_score,
        row_number() over (
            partition by answered.person_id, answered.survey_type
            order by screens.screen_date desc, screens.screen_key desc
        ) as recency
    from answered
    inner join screens
        on screens.person_id = answered.person_id
        and screens.instrument = '{{ screen.instrument }}'
        and screens.screen_date > coalesce(answered.{{ screen.prefix }}_baseline_date, answered.baseline_date)
        and screens.screen_date <= answered.followup_point_date
),
{%- endfor %}

joined as (
    select
        answered.*,
        {%- for screen in outcome_screen_instruments() %}
        {{ screen.prefix }}_followup_screens.screen_key as {{ screen.prefix }}_followup_screen_key,
        {{ screen.prefix }}_followup_screens.screen_date as {{ screen.prefix }}_followup_date,
        {{ screen.prefix }}_followup_screens.total_score as {{ screen.prefix }}_followup_score{% if not loop.last %},{% endif %}
        {%- endfor %}
    from answered
    {%- for screen in outcome_screen_instruments() %}
    left join {{ screen.prefix }}_followup_screens
        on {{ screen.prefix }}_followup_screens.person_id = answered.person_id
        and {{ screen.prefix }}_followup_screens.survey_type = answered.survey_type
        and {{ screen.prefix }}_followup_screens.recency = 1
    {%- endfor %}
)

select * from joined
