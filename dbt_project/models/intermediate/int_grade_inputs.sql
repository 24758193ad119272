{#
    One row per person with an enrollment: a fingerprint of everything the grade rule reads
    about them (their enrollments, movement events and contact events) and of the rubric rows
    that grade everyone. int_client_grades stamps it on each grade row and, on an incremental
    run, re-grades only the people whose fingerprint changed (new or corrected records, merges,
    deletions, a new rubric), so a nightly run costs what is new, not the size of history.
#}
with enrollments as (
    select * from {{ ref('int_enrollments') }}
),

movement_events as (
    select * from {{ ref('int_movement_events') }}
),

touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

rubric_rows as (
    select
        'threshold' as part,
        threshold_key as row_key,
        concat_ws('|', coalesce({{ as_text('project_type') }}, '~'),
                  coalesce({{ as_text('stall_after_months') }}, '~'),
                  coalesce({{ as_text('contact_cadence_days') }}, '~'),
                  coalesce(rubric_version, '~')) as row_value
    from {{ ref('stg_rubric__thresholds') }}
    union all
    select
        'followup' as part,
        survey_type as row_key,
        concat_ws('|', coalesce({{ as_text('due_days') }}, '~'),
                  coalesce({{ as_text('grace_days') }}, '~'),
                  coalesce(rubric_version, '~')) as row_value
    from {{ ref('stg_rubric__followups') }}
),

rubric as (
    select {{ caseintel.set_fingerprint(['part', 'row_key', 'row_value']) }} as fingerprint
    from rubric_rows
),

enrollment_prints as (
    select
        person_id,
        {{ caseintel.set_fingerprint(['enrollment_key', 'site', 'project_type', 'project_type_name',
                                      'entry_date', 'exit_date']) }} as fingerprint
    from enrollments
    group by person_id
),

movement_prints as (
    select
        person_id,
        {{ caseintel.set_fingerprint(['movement_key', 'event_date', 'kind']) }} as fingerprint
    from movement_events
    where person_id in (select person_id from enrollment_prints)
    group by person_id
),

touchpoint_prints as (
    select
        person_id,
        {{ caseintel.set_fingerprint(['touchpoint_key', 'event_date', 'kind', 'detail']) }} as fingerprint
    from touchpoints
    where person_id in (select person_id from enrollment_prints)
    group by person_id
),

final as (
    select
        enrollment_prints.person_id,
        {{ dbt.hash(dbt.concat([
            'rubric.fingerprint', "'/'", 'enrollment_prints.fingerprint', "'/'",
            "coalesce(movement_prints.fingerprint, '')", "'/'",
            "coalesce(touchpoint_prints.fingerprint, '')"
        ])) }} as input_fingerprint
    from enrollment_prints
    cross join rubric
    left join movement_prints
        on movement_prints.person_id = enrollment_prints.person_id
    left join touchpoint_prints
        on touchpoint_prints.person_id = enrollment_prints.person_id
)

select * from final
