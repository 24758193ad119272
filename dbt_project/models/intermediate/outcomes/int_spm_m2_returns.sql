{#
    SPM Measure 2 aggregated: one row per reporting period x counting x return window x
    reporting group. The universe is the period's exit cohort; a window's denominator is the
    cohort exits observed for the whole window by the period end (all of them under HUD's
    exit window, which ends 730 days before the period end); its numerator is those with a
    first return within the window.
#}
with period as (
    select * from {{ ref('int_hud_reporting_period') }}
),

cohort as (
    select * from {{ ref('int_spm_m2_exit_cohort') }}
),

levels as (
    {{ spm_reporting_levels() }}
),

windows as (
    {{ spm_return_window_rows() }}
),

grouped as (
    select
        cohort.period_index,
        cohort.counting,
        {{ spm_level_columns('cohort') }},
        cohort.counted_as,
        cohort.has_returned,
        cohort.days_to_return,
        cohort.days_observed,
        cohort.is_return_at_other_site,
        {{ in_project_types('cohort.return_project_type', 'ph') }} as is_return_to_ph
    from cohort
    cross join levels
),

windowed as (
    select
        grouped.*,
        windows.window_months,
        windows.window_days,
        grouped.days_observed >= windows.window_days as is_observed,
        coalesce(grouped.has_returned and grouped.days_to_return <= windows.window_days, false) as returned_in_window
    from grouped
    cross join windows
),

aggregated as (
    select
        period_index,
        counting,
        window_months,
        window_days,
        {{ spm_level_group_by() }},
        count(distinct counted_as) as universe,
        count(distinct case when is_observed then counted_as end) as denominator,
        count(distinct case when is_observed and returned_in_window then counted_as end) as numerator,
        count(distinct case when is_observed and returned_in_window and is_return_to_ph then counted_as end) as returns_to_ph,
        count(distinct case when is_observed and returned_in_window and is_return_at_other_site then counted_as end) as returns_at_other_site
    from windowed
    group by period_index, counting, window_months, window_days, {{ spm_level_group_by() }}
),

final as (
    select
        aggregated.counting,
        {{ spm_period_columns('period') }},
        period.m2_exit_window_start,
        period.m2_exit_window_end,
        {{ spm_level_keys('aggregated') }},
        aggregated.window_months,
        aggregated.window_days,
        {{ spm_rate_columns('aggregated') }},
        aggregated.returns_to_ph,
        aggregated.returns_at_other_site
    from aggregated
    inner join period
        on period.period_index = aggregated.period_index
)

select * from final
