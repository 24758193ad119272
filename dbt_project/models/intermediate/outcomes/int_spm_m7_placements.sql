{#
    SPM Measure 7 (successful placement), one row per reporting period x measure x person
    (person_id) in the measure's universe, with the enrollment that decides it.

    - 7a (street outreach): people who left street outreach during the period and have no
      outreach enrollment open on the period end; their latest outreach exit decides.
      Success: an exit off the street (macro spm_m7a_is_successful).
    - 7b1 (ES, SH, TH, RRH): people who left those projects during the period and have none
      open on the period end; their latest exit decides. Success: a permanent destination.
    - 7b2 (PSH and other PH except RRH): people housed in those projects (move-in by the
      period end) who were enrolled during the period. Stayers (still enrolled on the period
      end) succeed; leavers, by their latest exit, succeed with a permanent destination.
    - Exits to destinations HUD leaves out (spm_m7_excluded_destinations: deceased, hospital,
      foster care, long-term care, residential project) are not in any universe.
#}
with period as (
    select * from {{ ref('int_hud_reporting_period') }}
),

enrollments as (
    select * from {{ ref('int_hud_enrollments') }}
),

measure_enrollments as (
    select '7a' as measure, enrollments.*
    from enrollments
    where {{ in_project_types('project_type', 'm7a') }}

    union all

    select '7b1' as measure, enrollments.*
    from enrollments
    where {{ in_project_types('project_type', 'm7b1') }}

    union all

    select '7b2' as measure, enrollments.*
    from enrollments
    where {{ in_project_types('project_type', 'm7b2') }}
),

classified as (
    select
        period.period_index,
        measure_enrollments.*,
        measure_enrollments.entry_date <= period.period_end
            and (
                measure_enrollments.exit_date is null
                or measure_enrollments.exit_date > period.period_end
            ) as is_open_at_period_end,
        measure_enrollments.exit_date between period.period_start and period.period_end as exited_in_period
    from measure_enrollments
    cross join period
    where measure_enrollments.entry_date <= period.period_end
        -- 7b2 counts people housed: moved in by the period end
        and (measure_enrollments.measure <> '7b2' or measure_enrollments.move_in_date <= period.period_end)
),

people_still_enrolled as (
    select distinct period_index, measure, person_id
    from classified
    where is_open_at_period_end
),

candidates as (
    -- 7a and 7b1: leavers with nothing open at the end; 7b2: stayers and leavers
    select classified.*
    from classified
    left join people_still_enrolled
        on people_still_enrolled.period_index = classified.period_index
        and people_still_enrolled.measure = classified.measure
        and people_still_enrolled.person_id = classified.person_id
    where (
            classified.measure in ('7a', '7b1')
            and people_still_enrolled.person_id is null
            and classified.exited_in_period
        )
        or (
            classified.measure = '7b2'
            and (classified.is_open_at_period_end or classified.exited_in_period)
        )
),

ranked as (
    select
        candidates.*,
        row_number() over (
            partition by period_index, measure, person_id
            order by
                case when is_open_at_period_end then 0 else 1 end,
                exit_date desc,
                entry_date desc,
                enrollment_key desc
        ) as person_rank
    from candidates
),

deciding as (
    select
        ranked.*,
        not ranked.is_open_at_period_end
            and ranked.destination in ({{ spm_m7_excluded_destinations() | join(', ') }}) as is_excluded
    from ranked
    where person_rank = 1
),

judged as (
    select
        {{ spm_period_columns('period') }},
        deciding.measure,
        deciding.person_id,
        deciding.enrollment_key,
        {{ spm_group_columns('deciding') }},
        deciding.entry_date,
        deciding.exit_date,
        deciding.destination,
        deciding.destination_group,
        deciding.is_open_at_period_end as is_stayer,
        case
            when deciding.measure = '7a' then coalesce({{ spm_m7a_is_successful('deciding.destination') }}, false)
            when deciding.measure = '7b1' then deciding.is_hud_permanent_destination
            when deciding.measure = '7b2' then deciding.is_open_at_period_end or deciding.is_hud_permanent_destination
        end as is_successful
    from deciding
    inner join period
        on period.period_index = deciding.period_index
    where not coalesce(deciding.is_excluded, false)
)

select * from judged
