{#
    A view: the history is int_client_grades' rows under their published names, so a nightly
    run rebuilds nothing here (the grades table is incremental).
#}
{{ config(materialized='view') }}

with grades as (
    select * from {{ ref('int_client_grades') }}
),

final as (
    select
        person_id,
        as_of_date,
        is_current,
        grade,
        grade_label,
        grade_reason,
        site,
        program,
        project_type,
        stall_after_months,
        contact_cadence_days,
        open_enrollments,
        baseline_date,
        last_exit_date,
        last_movement_date,
        last_movement_kind,
        movement_clock_start,
        months_since_movement,
        last_contact_date,
        last_contact_kind,
        days_since_contact,
        overdue_survey_types,
        rubric_version
    from grades
)

select * from final
