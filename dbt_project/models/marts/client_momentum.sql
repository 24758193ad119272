with grades as (
    select * from {{ ref('int_client_grades') }}
),

current_grades as (
    select
        person_id,
        as_of_date,
        grade,
        grade_label,
        grade_reason,
        site,
        program,
        project_type,
        program_enrollment_key,
        stall_after_months,
        contact_cadence_days,
        open_enrollments,
        baseline_date,
        last_exit_date,
        last_movement_date,
        last_movement_kind,
        last_movement_key,
        movement_clock_start,
        stall_cutoff_date,
        months_since_movement,
        last_contact_date,
        last_contact_kind,
        last_contact_key,
        contact_cutoff_date,
        days_since_contact,
        is_contact_lapsed,
        overdue_survey_types,
        first_overdue_due_date,
        threshold_key,
        rubric_version
    from grades
    where is_current
)

select * from current_grades
