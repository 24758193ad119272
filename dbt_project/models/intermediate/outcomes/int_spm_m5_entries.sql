{#
    SPM Measure 5 (first-time homeless), one row per reporting period x metric x person
    (person_id) who entered the metric's projects during the period: the earliest such entry
    and whether the person had any homeless or housing enrollment in the m5_lookback_days
    (730) before it.

    - Metric es_sh_th (HUD 5.1): entries to emergency shelter, safe haven or transitional
      housing; es_sh_th_ph (5.2) adds permanent housing.
    - Look-back: an enrollment in ES, SH, TH or PH (spm_project_types m5_lookback) at any
      site that started before the entry and was still open at some time in the 730 days
      before it. Street outreach contacts are not prior homelessness here, as in HUD's spec.
    - First time = no such enrollment. De-duplication matters: a prior stay at another site
      counts only when the identity crosswalk knows it is the same person.
#}
with period as (
    select * from {{ ref('int_hud_reporting_period') }}
),

enrollments as (
    select * from {{ ref('int_hud_enrollments') }}
),

period_entries as (
    select period.period_index, enrollments.*
    from enrollments
    cross join period
    where enrollments.entry_date between period.period_start and period.period_end
),

metric_entries as (
    select 'es_sh_th' as metric, period_entries.*
    from period_entries
    where {{ in_project_types('project_type', 'm5_es_sh_th') }}

    union all

    select 'es_sh_th_ph' as metric, period_entries.*
    from period_entries
    where {{ in_project_types('project_type', 'm5_es_sh_th_ph') }}
),

first_entries as (
    select
        metric_entries.*,
        row_number() over (
            partition by period_index, metric, person_id
            order by entry_date, enrollment_key
        ) as entry_rank
    from metric_entries
),

prior_enrollments as (
    -- homeless or housing stays open at some time in the look-back before the entry
    select
        first_entries.period_index,
        first_entries.metric,
        first_entries.person_id,
        count(*) as prior_enrollments,
        max(earlier.entry_date) as latest_prior_entry_date,
        max(case when earlier.site <> first_entries.site then 1 else 0 end) = 1 as has_prior_at_other_site
    from first_entries
    inner join period
        on period.period_index = first_entries.period_index
    inner join enrollments as earlier
        on earlier.person_id = first_entries.person_id
        and earlier.enrollment_key <> first_entries.enrollment_key
        and earlier.entry_date < first_entries.entry_date
        and (
            earlier.exit_date is null
            or earlier.exit_date >= {{ add_days('first_entries.entry_date', '-1 * period.m5_lookback_days') }}
        )
    where first_entries.entry_rank = 1
        and {{ in_project_types('earlier.project_type', 'm5_lookback') }}
    group by first_entries.period_index, first_entries.metric, first_entries.person_id
),

joined as (
    select
        {{ spm_period_columns('period') }},
        first_entries.metric,
        first_entries.person_id,
        first_entries.enrollment_key,
        {{ spm_group_columns('first_entries') }},
        first_entries.entry_date,
        coalesce(prior_enrollments.prior_enrollments, 0) as prior_enrollments,
        prior_enrollments.latest_prior_entry_date,
        coalesce(prior_enrollments.has_prior_at_other_site, false) as has_prior_at_other_site,
        prior_enrollments.person_id is null as is_first_time
    from first_entries
    inner join period
        on period.period_index = first_entries.period_index
    left join prior_enrollments
        on prior_enrollments.period_index = first_entries.period_index
        and prior_enrollments.metric = first_entries.metric
        and prior_enrollments.person_id = first_entries.person_id
    where first_entries.entry_rank = 1
)

select * from joined
