with outcomes as (
    select * from {{ ref('followup_outcomes') }}
),

overdue as (
    select
        person_id,
        survey_type,
        as_of_date,
        is_enrolled,
        site,
        program,
        baseline_date,
        due_date,
        grace_end_date,
        days_overdue,
        row_number() over (
            order by days_overdue desc, person_id, survey_type
        ) as overdue_rank
    from outcomes
    where followup_status = 'overdue'
)

select * from overdue
