{#
    Every person's momentum grade on every as-of date (the rule: macros/momentum_grades.sql;
    rubrics/momentum.yaml; docs/contracts.md, "Momentum rules").

    Incremental: each row carries the person's input_fingerprint (int_grade_inputs). A run
    grades the people whose fingerprint changed on every as-of date, and everyone on the
    as-of dates not graded yet; the post-hook drops rows of dates that left the window and
    rows whose person no longer has those inputs (merged away, enrollments deleted).
#}
{{ config(
    materialized='incremental',
    unique_key=['person_id', 'as_of_date'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ caseintel.delete_stale_grades() }}",
) }}
{#- A table built before fingerprints existed is re-graded whole (once). -#}
{%- set regrade_some = is_incremental() and 'input_fingerprint' in (
    adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list) -%}
with as_of_dates as (
    select * from {{ ref('int_as_of_dates') }}
),

enrollments as (
    select * from {{ ref('int_enrollments') }}
),

thresholds as (
    select * from {{ ref('stg_rubric__thresholds') }}
),

followups as (
    select * from {{ ref('stg_rubric__followups') }}
),

movement_events as (
    select * from {{ ref('int_movement_events') }}
),

touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

grade_inputs as (
    select * from {{ ref('int_grade_inputs') }}
),

{% if regrade_some %}
changed_people as (
    -- people whose inputs differ from the ones their grades were computed from
    select grade_inputs.person_id
    from grade_inputs
    left join (
        select distinct graded_rows.person_id, graded_rows.input_fingerprint
        from {{ this }} as graded_rows
    ) as graded
        on graded.person_id = grade_inputs.person_id
        and graded.input_fingerprint = grade_inputs.input_fingerprint
    where graded.person_id is null
),

new_dates as (
    -- as-of dates not graded yet (or no longer the current one, or newly the current one)
    select as_of_dates.as_of_date
    from as_of_dates
    left join (
        select distinct graded_rows.as_of_date, graded_rows.is_current
        from {{ this }} as graded_rows
    ) as graded
        on graded.as_of_date = as_of_dates.as_of_date
        and graded.is_current = as_of_dates.is_current
    where graded.as_of_date is null
),
{% endif %}

{%- set changed_or_new -%}
    {alias}.person_id in (select person_id from changed_people)
        or as_of_dates.as_of_date in (select as_of_date from new_dates)
{%- endset %}
{{ momentum_grades(restrict=changed_or_new if regrade_some else none) }},

final as (
    select
        explained.person_id,
        as_of_date,
        is_current,
        grade,
        grade_label,
        grade_reason,
        site,
        program,
        project_type,
        program_enrollment_key,
        threshold_key,
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
        rubric_version,
        grade_inputs.input_fingerprint
    from explained
    left join grade_inputs
        on grade_inputs.person_id = explained.person_id
)

select * from final
