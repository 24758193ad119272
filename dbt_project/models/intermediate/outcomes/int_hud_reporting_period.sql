{#
    The HUD reporting period and the windows the System Performance Measures derive from it
    (macros/hud_reporting.sql): one row. Every SPM and HMIS data-quality model reads its dates
    from here, so a unit test can set the period by giving this one row.
#}
{%- set period = hud_reporting_period() -%}
{%- set m2_exit_window = spm_m2_exit_window() -%}
{%- if period[0].month == 10 and period[0].day == 1 and period[1].month == 9 and period[1].day == 30
    and period[1].year == period[0].year + 1 -%}
    {%- set label = 'FY' ~ period[1].year -%}
{%- else -%}
    {%- set label = period[0].isoformat() ~ ' to ' ~ period[1].isoformat() -%}
{%- endif -%}

with period as (
    select
        '{{ label }}' as period_label,
        {{ date_literal(period[0]) }} as period_start,
        {{ date_literal(period[1]) }} as period_end,
        {{ as_of_date() }} as as_of_date
),

windows as (
    select
        period_label,
        period_start,
        period_end,
        as_of_date,
        {{ add_days('period_start', -1 * spm_days('m1_lookback_days')) }} as m1_lookback_start,
        {{ m2_exit_window[0] }} as m2_exit_window_start,
        {{ m2_exit_window[1] }} as m2_exit_window_end,
        -- returns are looked for up to the period end (never past the as-of date)
        least(period_end, as_of_date) as m2_observed_until,
        {{ spm_days('m2_ph_bridge_days') }} as m2_ph_bridge_days,
        {{ spm_days('m4_stayer_min_days') }} as m4_stayer_min_days,
        {{ spm_days('m5_lookback_days') }} as m5_lookback_days,
        {{ spm_days('adult_age_years') }} as adult_age_years
    from period
)

select * from windows
