-- Momentum split by chronic homelessness at the start of the program a client is graded in:
-- one row per site and chronic status as of the grading date, grade counts.
with momentum as (
    select * from {{ ref('client_momentum') }}
),

entry_status as (
    select * from {{ ref('int_enrollment_entry_status') }}
)

select
    momentum.as_of_date,
    momentum.site,
    coalesce(entry_status.chronic_status, 'not_hmis') as chronic_status,
    {{ grade_counts('momentum.grade') }}
from momentum
left join entry_status
    on entry_status.enrollment_key = momentum.program_enrollment_key
group by momentum.as_of_date, momentum.site, coalesce(entry_status.chronic_status, 'not_hmis')
