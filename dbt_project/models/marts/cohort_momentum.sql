with grades as (
    select * from {{ ref('int_client_grades') }}
),

as_of_dates as (
    select * from {{ ref('int_as_of_dates') }}
),

counted as (
    select
        as_of_dates.as_of_month,
        grades.as_of_date,
        grades.site,
        grades.program,
        grades.project_type,
        {{ grade_counts('grades.grade') }}
    from grades
    inner join as_of_dates
        on as_of_dates.as_of_date = grades.as_of_date
    group by
        as_of_dates.as_of_month,
        grades.as_of_date,
        grades.site,
        grades.program,
        grades.project_type
),

keyed as (
    select
        {{ dbt.concat([as_text('as_of_date'), "'|'", 'site', "'|'", 'program']) }} as cohort_key,
        counted.*
    from counted
)

select * from keyed
