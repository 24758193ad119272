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
    count(*) as clients,
    count(case when momentum.grade <> 'closed' then 1 end) as open_clients,
    count(case when momentum.grade = 'green' then 1 end) as green_clients,
    count(case when momentum.grade = 'amber' then 1 end) as amber_clients,
    count(case when momentum.grade = 'red' then 1 end) as red_clients,
    count(case when momentum.grade = 'closed' then 1 end) as closed_clients
from momentum
left join entry_status
    on entry_status.enrollment_key = momentum.program_enrollment_key
group by momentum.as_of_date, momentum.site, coalesce(entry_status.chronic_status, 'not_hmis')
