-- Follow-up outcomes split by chronic homelessness at the start of the enrollment the
-- follow-up is measured from: per survey type and chronic status, how many were due,
-- responded, and were stably housed when they answered.
with outcomes as (
    select * from {{ ref('followup_outcomes') }}
),

entry_status as (
    select * from {{ ref('int_enrollment_entry_status') }}
)

select
    outcomes.as_of_date,
    outcomes.survey_type,
    coalesce(entry_status.chronic_status, 'not_hmis') as chronic_status,
    count(case when outcomes.is_due then 1 end) as due,
    count(case when outcomes.is_due and outcomes.has_response then 1 end) as responded,
    count(case when outcomes.is_due and outcomes.is_stably_housed_at_followup then 1 end)
        as stably_housed
from outcomes
left join entry_status
    on entry_status.enrollment_key = outcomes.baseline_enrollment_key
group by outcomes.as_of_date, outcomes.survey_type,
    coalesce(entry_status.chronic_status, 'not_hmis')
