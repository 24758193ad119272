{#
    The HUD reporting periods and the windows the System Performance Measures derive from each
    (macros/hud_reporting.sql): one row per period, the current one (period_index 0) and the
    spm_trend_periods - 1 before it, each moved back a year more. Every SPM and HMIS
    data-quality model reads its dates from here (data quality the current row only), so a
    unit test can set the periods by giving these rows.
#}
with periods as (
    {%- for period in hud_reporting_periods() %}
    select
        '{{ period.label }}' as period_label,
        {{ date_literal(period.start) }} as period_start,
        {{ date_literal(period.end) }} as period_end,
        {{ period.index }} as period_index,
        {{ 'true' if period.index == 0 else 'false' }} as is_current_period,
        {{ as_of_date() }} as as_of_date,
        {{ date_literal(period.m2_exit_start) }} as m2_exit_window_start,
        {{ date_literal(period.m2_exit_end) }} as m2_exit_window_end
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}
),

windows as (
    select
        {{ spm_period_columns() }},
        as_of_date,
        {{ add_days('period_start', -1 * spm_days('m1_lookback_days')) }} as m1_lookback_start,
        m2_exit_window_start,
        m2_exit_window_end,
        -- returns are looked for up to the period end (never past the as-of date)
        least(period_end, as_of_date) as m2_observed_until,
        {{ spm_days('m2_ph_bridge_days') }} as m2_ph_bridge_days,
        {{ spm_days('m4_stayer_min_days') }} as m4_stayer_min_days,
        {{ spm_days('m5_lookback_days') }} as m5_lookback_days,
        {{ spm_days('adult_age_years') }} as adult_age_years
    from periods
)

select * from windows
