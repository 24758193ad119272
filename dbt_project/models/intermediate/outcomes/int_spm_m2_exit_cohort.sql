{#
    SPM Measure 2 (returns to homelessness), one row per reporting period x counting x counted
    person: the exit that puts the person in the period's cohort and their first return, if
    any. Each period has its own exit window and looks for returns up to its own end.

    - counting `deduplicated`: a person is a person_id (the identity crosswalk links a
      client's records across sites); `per_site`: a person is one site's PersonalID
      (record_key), as each site's own HMIS would count.
    - Cohort: the earliest exit to a permanent destination (HUD 4xx) from street outreach,
      emergency shelter, transitional housing, safe haven or permanent housing dated inside
      the exit window: the reporting period moved back spm_days m2_lookback_days (730), or
      vars spm_m2_exit_start / spm_m2_exit_end.
    - A return is a later enrollment of the same person that starts on or after the exit
      date, at most 730 days after it and by m2_observed_until (the period end, never past
      the as-of date), in street outreach, emergency
      shelter, transitional housing or safe haven; or in permanent housing when it starts
      more than m2_ph_bridge_days (14) days after the exit and after the exit of any other
      PH stay in between (HUD's bridging rule: a move between PH projects is no return).
    - The first return (earliest start) is kept with the days from exit to return.
#}
with period as (
    select * from {{ ref('int_hud_reporting_period') }}
),

enrollments as (
    select * from {{ ref('int_hud_enrollments') }}
),

countings as (
    select 'deduplicated' as counting
    union all
    select 'per_site' as counting
),

counted_enrollments as (
    select
        countings.counting,
        case
            when countings.counting = 'deduplicated' then enrollments.person_id
            else enrollments.record_key
        end as counted_as,
        enrollments.*
    from enrollments
    cross join countings
),

permanent_exits as (
    select
        period.period_index,
        counted_enrollments.*,
        row_number() over (
            partition by period.period_index, counted_enrollments.counting, counted_enrollments.counted_as
            order by
                counted_enrollments.exit_date,
                counted_enrollments.entry_date,
                counted_enrollments.enrollment_key
        ) as exit_rank
    from counted_enrollments
    cross join period
    where counted_enrollments.exit_date between period.m2_exit_window_start and period.m2_exit_window_end
        and counted_enrollments.is_hud_permanent_destination
        and {{ in_project_types('counted_enrollments.project_type', 'm2_exit') }}
),

cohort as (
    select * from permanent_exits
    where exit_rank = 1
),

return_candidates as (
    -- later homeless or PH enrollments of the same person within 730 days, by the period end
    select
        cohort.period_index,
        cohort.counting,
        cohort.counted_as,
        cohort.exit_date as cohort_exit_date,
        later.enrollment_key,
        later.site,
        later.project_type,
        later.project_type_name,
        later.entry_date,
        {{ in_project_types('later.project_type', 'ph') }} as is_permanent_housing
    from cohort
    inner join period
        on period.period_index = cohort.period_index
    inner join counted_enrollments as later
        on later.counting = cohort.counting
        and later.counted_as = cohort.counted_as
        and later.enrollment_key <> cohort.enrollment_key
        and later.entry_date >= cohort.exit_date
        and later.entry_date <= {{ add_days('cohort.exit_date', spm_days('m2_lookback_days')) }}
        and later.entry_date <= period.m2_observed_until
    where {{ in_project_types('later.project_type', 'm2_return_homeless') }}
        or {{ in_project_types('later.project_type', 'ph') }}
),

ph_bridges as (
    -- a PH candidate's bridge start: the cohort exit or a later PH exit before its entry
    select
        candidates.period_index,
        candidates.counting,
        candidates.counted_as,
        candidates.enrollment_key,
        greatest(candidates.cohort_exit_date, coalesce(max(bridge.exit_date), candidates.cohort_exit_date)) as bridge_start_date
    from return_candidates as candidates
    left join counted_enrollments as bridge
        on bridge.counting = candidates.counting
        and bridge.counted_as = candidates.counted_as
        and bridge.enrollment_key <> candidates.enrollment_key
        and {{ in_project_types('bridge.project_type', 'ph') }}
        and bridge.exit_date >= candidates.cohort_exit_date
        and bridge.exit_date <= candidates.entry_date
    where candidates.is_permanent_housing
    group by
        candidates.period_index,
        candidates.counting,
        candidates.counted_as,
        candidates.enrollment_key,
        candidates.cohort_exit_date
),

qualifying_returns as (
    select
        return_candidates.*,
        row_number() over (
            partition by return_candidates.period_index, return_candidates.counting, return_candidates.counted_as
            order by return_candidates.entry_date, return_candidates.enrollment_key
        ) as return_rank
    from return_candidates
    inner join period
        on period.period_index = return_candidates.period_index
    left join ph_bridges
        on ph_bridges.period_index = return_candidates.period_index
        and ph_bridges.counting = return_candidates.counting
        and ph_bridges.counted_as = return_candidates.counted_as
        and ph_bridges.enrollment_key = return_candidates.enrollment_key
    where not return_candidates.is_permanent_housing
        or {{ days_between('ph_bridges.bridge_start_date', 'return_candidates.entry_date') }} > period.m2_ph_bridge_days
),

first_returns as (
    select * from qualifying_returns
    where return_rank = 1
),

joined as (
    select
        {{ spm_period_columns('period') }},
        cohort.counting,
        cohort.counted_as,
        cohort.person_id,
        cohort.record_key,
        {{ spm_group_columns('cohort') }},
        cohort.enrollment_key as exit_enrollment_key,
        cohort.exit_date,
        cohort.destination,
        first_returns.enrollment_key as return_enrollment_key,
        first_returns.site as return_site,
        first_returns.project_type as return_project_type,
        first_returns.project_type_name as return_project_type_name,
        first_returns.entry_date as return_date,
        {{ days_between('cohort.exit_date', 'first_returns.entry_date') }} as days_to_return,
        first_returns.enrollment_key is not null as has_returned,
        coalesce(first_returns.site <> cohort.site, false) as is_return_at_other_site,
        {{ days_between('cohort.exit_date', 'period.m2_observed_until') }} as days_observed
    from cohort
    inner join period
        on period.period_index = cohort.period_index
    left join first_returns
        on first_returns.period_index = cohort.period_index
        and first_returns.counting = cohort.counting
        and first_returns.counted_as = cohort.counted_as
)

select * from joined
