with returns as (
    select * from {{ ref('int_spm_m2_returns') }}
),

deduplicated as (
    select
        period_label,
        period_start,
        period_end,
        period_index,
        is_current_period,
        m2_exit_window_start,
        m2_exit_window_end,
        reporting_level,
        level_order,
        coc_code,
        site,
        project_type,
        project_type_name,
        window_months,
        window_days,
        universe,
        numerator,
        denominator,
        rate,
        returns_to_ph,
        returns_at_other_site
    from returns
    where counting = 'deduplicated'
)

select * from deduplicated
