{#
    Month-to-month grade flows. The first as-of date of the history has no month before it,
    so flows start at the second; a person with no grade the month before is `new`.
#}
with grades as (
    select * from {{ ref('int_client_grades') }}
),

as_of_dates as (
    select * from {{ ref('int_as_of_dates') }}
),

transitions as (
    select
        as_of_dates.as_of_month,
        current_grades.as_of_date,
        as_of_dates.previous_as_of_date,
        current_grades.site,
        current_grades.program,
        current_grades.project_type,
        coalesce(previous_grades.grade, 'new') as from_grade,
        current_grades.grade as to_grade
    from grades as current_grades
    inner join as_of_dates
        on as_of_dates.as_of_date = current_grades.as_of_date
    left join grades as previous_grades
        on previous_grades.person_id = current_grades.person_id
        and previous_grades.as_of_date = as_of_dates.previous_as_of_date
    where as_of_dates.previous_as_of_date is not null
),

counted as (
    select
        as_of_month,
        as_of_date,
        previous_as_of_date,
        site,
        program,
        project_type,
        from_grade,
        to_grade,
        count(*) as clients
    from transitions
    group by
        as_of_month,
        as_of_date,
        previous_as_of_date,
        site,
        program,
        project_type,
        from_grade,
        to_grade
),

keyed as (
    select
        {{ dbt.concat([
            as_text('as_of_date'), "'|'", 'site', "'|'", 'program', "'|'", 'from_grade', "'|'", 'to_grade'
        ]) }} as flow_key,
        counted.*
    from counted
)

select * from keyed
