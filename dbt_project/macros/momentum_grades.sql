{#
    The momentum grade, the whole rule in one place (rubrics/momentum.yaml; docs/contracts.md,
    "Momentum rules"). For every as-of date D and every person with an enrollment begun by D:

    - open enrollment: entry <= D and no exit on or before D. No open enrollment: closed.
    - program: the project type of the open enrollment with the latest entry (for a closed
      person, of the latest enrollment); thresholds: that program's rubric row, else the
      rubric default row.
    - baseline: the earliest entry among the open enrollments.
    - movement_clock_start = greatest(coalesce(last movement on or before D, baseline), baseline).
    - red: D minus stall_after_months months is after movement_clock_start.
    - amber: not red, and the last contact is more than contact_cadence_days before D (or
      there is none), or a follow-up survey is overdue: baseline + due_days + grace_days is
      before D and no response of that type arrived after the baseline (and by D).
    - green: neither.

    `momentum_grades` writes the rule as CTEs ending in `explained` (one row per person and
    as-of date), over CTEs the calling model names: as_of_dates, enrollments, thresholds,
    followups, movement_events and touchpoints. Two models call it: int_client_grades (the
    people's own records) and report_missing_regrades (their records plus one proposed
    input per scenario). `restrict`, when given, is the where clause that limits the
    rows of `alias` read, `{alias}` standing for it (an incremental run's changed people and
    new dates).
#}
{% macro momentum_grades(restrict=none) -%}
started_enrollments as (
    -- every enrollment begun by each as-of date, and whether it is still open on that date
    select
        as_of_dates.as_of_date,
        as_of_dates.is_current,
        enrollments.person_id,
        enrollments.enrollment_key,
        enrollments.site,
        enrollments.project_type,
        enrollments.project_type_name,
        enrollments.entry_date,
        enrollments.exit_date,
        (
            enrollments.exit_date is null
            or enrollments.exit_date > as_of_dates.as_of_date
        ) as is_open
    from as_of_dates
    inner join enrollments
        on enrollments.entry_date <= as_of_dates.as_of_date
    {% if restrict is not none %}
    where {{ restrict.replace('{alias}', 'enrollments') }}
    {% endif %}
),

people as (
    -- one row per person per as-of date: open enrollments and the baseline
    select
        person_id,
        as_of_date,
        is_current,
        sum(case when is_open then 1 else 0 end) as open_enrollments,
        min(case when is_open then entry_date end) as baseline_date,
        max(case when not is_open then exit_date end) as last_exit_date
    from started_enrollments
    group by person_id, as_of_date, is_current
),

ranked_programs as (
    -- the deciding enrollment: open before closed, then the latest entry
    select
        started_enrollments.*,
        row_number() over (
            partition by person_id, as_of_date
            order by
                case when is_open then 0 else 1 end,
                entry_date desc,
                enrollment_key desc
        ) as program_rank
    from started_enrollments
),

programs as (
    select
        ranked_programs.person_id,
        ranked_programs.as_of_date,
        ranked_programs.enrollment_key as program_enrollment_key,
        ranked_programs.site,
        ranked_programs.project_type,
        ranked_programs.project_type_name as program,
        coalesce(program_thresholds.threshold_key, default_thresholds.threshold_key) as threshold_key,
        coalesce(program_thresholds.stall_after_months, default_thresholds.stall_after_months) as stall_after_months,
        coalesce(program_thresholds.contact_cadence_days, default_thresholds.contact_cadence_days) as contact_cadence_days,
        coalesce(program_thresholds.rubric_version, default_thresholds.rubric_version) as rubric_version
    from ranked_programs
    left join thresholds as program_thresholds
        on program_thresholds.project_type = ranked_programs.project_type
        and not program_thresholds.is_default
    left join thresholds as default_thresholds
        on default_thresholds.is_default
    where ranked_programs.program_rank = 1
),

{{ newest_on_each_date('movement', 'movement_events', 'movement_key', restrict) }},

{{ newest_on_each_date('contact', 'touchpoints', 'touchpoint_key', restrict) }},

followups_due as (
    -- every follow-up survey type for every open person, with the day it becomes overdue
    select
        people.person_id,
        people.as_of_date,
        people.baseline_date,
        followups.survey_type,
        followups.due_days,
        {{ add_days('people.baseline_date', 'followups.due_days') }} as due_date,
        {{ add_days('people.baseline_date', 'followups.due_days + followups.grace_days') }} as grace_end_date
    from people
    cross join followups
    where people.open_enrollments > 0
),

followups_answered as (
    -- a response of that type received after the baseline, by the as-of date
    select distinct
        followups_due.person_id,
        followups_due.as_of_date,
        followups_due.survey_type
    from followups_due
    inner join touchpoints
        on touchpoints.person_id = followups_due.person_id
        and touchpoints.kind = 'survey_response'
        and touchpoints.detail = followups_due.survey_type
        and touchpoints.event_date > followups_due.baseline_date
        and touchpoints.event_date <= followups_due.as_of_date
),

overdue_followups as (
    select
        followups_due.person_id,
        followups_due.as_of_date,
        {{ dbt.listagg('followups_due.survey_type', "', '", 'order by followups_due.due_days, followups_due.survey_type') }} as overdue_survey_types,
        min(followups_due.due_date) as first_overdue_due_date
    from followups_due
    left join followups_answered
        on followups_answered.person_id = followups_due.person_id
        and followups_answered.as_of_date = followups_due.as_of_date
        and followups_answered.survey_type = followups_due.survey_type
    where followups_answered.person_id is null
        and followups_due.grace_end_date < followups_due.as_of_date
    group by followups_due.person_id, followups_due.as_of_date
),

assembled as (
    select
        people.person_id,
        people.as_of_date,
        people.is_current,
        programs.site,
        programs.program,
        programs.project_type,
        programs.program_enrollment_key,
        programs.threshold_key,
        programs.stall_after_months,
        programs.contact_cadence_days,
        programs.rubric_version,
        people.open_enrollments,
        people.baseline_date,
        people.last_exit_date,
        last_movements.last_movement_date,
        last_movements.last_movement_kind,
        last_movements.last_movement_key,
        case
            when people.open_enrollments > 0
                then greatest(
                    coalesce(last_movements.last_movement_date, people.baseline_date),
                    people.baseline_date
                )
        end as movement_clock_start,
        last_contacts.last_contact_date,
        last_contacts.last_contact_kind,
        last_contacts.last_contact_key,
        overdue_followups.overdue_survey_types,
        overdue_followups.first_overdue_due_date,
        {{ add_months('people.as_of_date', '-1 * programs.stall_after_months') }} as stall_cutoff_date,
        {{ add_days('people.as_of_date', '-1 * programs.contact_cadence_days') }} as contact_cutoff_date
    from people
    inner join programs
        on programs.person_id = people.person_id
        and programs.as_of_date = people.as_of_date
    left join last_movements
        on last_movements.person_id = people.person_id
        and last_movements.as_of_date = people.as_of_date
    left join last_contacts
        on last_contacts.person_id = people.person_id
        and last_contacts.as_of_date = people.as_of_date
    left join overdue_followups
        on overdue_followups.person_id = people.person_id
        and overdue_followups.as_of_date = people.as_of_date
),

graded as (
    select
        assembled.*,
        case
            when open_enrollments = 0 then 'closed'
            when movement_clock_start < stall_cutoff_date then 'red'
            when last_contact_date is null
                or last_contact_date < contact_cutoff_date
                or overdue_survey_types is not null
                then 'amber'
            else 'green'
        end as grade,
        case when open_enrollments > 0 then {{ full_months_between('movement_clock_start', 'as_of_date') }} end as months_since_movement,
        case when open_enrollments > 0 then {{ days_between('last_contact_date', 'as_of_date') }} end as days_since_contact,
        (open_enrollments > 0 and (last_contact_date is null or last_contact_date < contact_cutoff_date)) as is_contact_lapsed
    from assembled
),

reason_parts as (
    -- the pieces of the grade_reason sentence, as text
    select
        graded.*,
        {{ as_text('as_of_date') }} as as_of_text,
        {{ as_text('movement_clock_start') }} as clock_text,
        case
            when last_movement_date is null or last_movement_date < baseline_date
                then 'program baseline'
            else last_movement_kind
        end as clock_source_text,
        {{ as_text('stall_after_months') }} as stall_months_text,
        {{ as_text('contact_cadence_days') }} as cadence_text,
        {{ as_text('last_contact_date') }} as last_contact_text,
        case
            when last_contact_date is null then 'no contact recorded'
            when is_contact_lapsed then {{ dbt.concat([
                "'last contact '", as_text('last_contact_date'),
                "' is '", as_text('days_since_contact'), "' days before '", as_text('as_of_date'),
                "' (cadence '", as_text('contact_cadence_days'), "' days)'"
            ]) }}
        end as contact_lapse_text,
        case
            when overdue_survey_types is not null
                then {{ dbt.concat(["'follow-up survey overdue: '", 'overdue_survey_types']) }}
        end as overdue_text,
        coalesce({{ dbt.concat(["'; last exit '", as_text('last_exit_date')]) }}, '') as last_exit_text
    from graded
),

explained as (
    select
        reason_parts.*,
        {{ grade_label('grade') }} as grade_label,
        case grade
            when 'closed' then {{ dbt.concat([
                "'Closed: no open enrollment on '", 'as_of_text', 'last_exit_text', "'.'"
            ]) }}
            when 'red' then {{ dbt.concat([
                "'Stalled: no movement since '", 'clock_text', "' ('", 'clock_source_text',
                "'), more than '", 'stall_months_text', "' months before '", 'as_of_text',
                "' (rule for '", 'program', "').'"
            ]) }}
            when 'amber' then {{ dbt.concat([
                "'Follow-up pending: '",
                "coalesce(contact_lapse_text, '')",
                "case when contact_lapse_text is not null and overdue_text is not null then '; ' else '' end",
                "coalesce(overdue_text, '')",
                "'.'"
            ]) }}
            when 'green' then {{ dbt.concat([
                "'Active: movement clock from '", 'clock_text', "' ('", 'clock_source_text',
                "') is within '", 'stall_months_text', "' months; last contact '", 'last_contact_text',
                "' is within '", 'cadence_text', "' days.'"
            ]) }}
        end as grade_reason
    from reason_parts
)
{%- endmacro %}

{#
    `last_<name>s`: per person and as-of date, the newest of `events` on or before it (the
    latest date; of two on one day, the first by kind, then by `key`). Each event is given
    the date the next one in that order takes over (`<name>_spans`), so an as-of date meets
    one event per person in a range join, not every event before it.
#}
{% macro newest_on_each_date(name, events, key, restrict=none) -%}
{{ name }}_spans as (
    select
        person_id,
        event_date,
        kind,
        {{ key }},
        lead(event_date) over (
            partition by person_id
            order by event_date, kind desc, {{ key }} desc
        ) as superseded_on
    from {{ events }}
),

last_{{ name }}s as (
    select
        spans.person_id,
        as_of_dates.as_of_date,
        spans.event_date as last_{{ name }}_date,
        spans.kind as last_{{ name }}_kind,
        spans.{{ key }} as last_{{ name }}_key
    from as_of_dates
    inner join {{ name }}_spans as spans
        on spans.event_date <= as_of_dates.as_of_date
        and (spans.superseded_on is null or spans.superseded_on > as_of_dates.as_of_date)
    {% if restrict is not none %}
    where {{ restrict.replace('{alias}', 'spans') }}
    {% endif %}
)
{%- endmacro %}
