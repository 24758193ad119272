{%- set keys = ['period_index', 'reporting_level', 'level_order', 'coc_code', 'site', 'project_type',
                'project_type_name', 'window_months'] -%}

with deduplicated as (
    select * from {{ ref('spm_m2_returns_to_homelessness') }}
),

per_site as (
    select * from {{ ref('spm_m2_returns_per_site') }}
),

period as (
    select * from {{ ref('int_hud_reporting_period') }}
),

report_rows as (
    -- a group can exist under one counting only (a second exit at another site)
    select {{ keys | join(', ') }} from deduplicated
    union
    select {{ keys | join(', ') }} from per_site
),

compared as (
    select
        {{ spm_period_columns('period') }},
        {%- for key in keys if key != 'period_index' %}
        report_rows.{{ key }},
        {%- endfor %}
        coalesce(per_site.universe, 0) as per_site_universe,
        coalesce(per_site.numerator, 0) as per_site_returns,
        coalesce(per_site.denominator, 0) as per_site_denominator,
        per_site.rate as per_site_rate,
        coalesce(deduplicated.universe, 0) as deduplicated_universe,
        coalesce(deduplicated.numerator, 0) as deduplicated_returns,
        coalesce(deduplicated.denominator, 0) as deduplicated_denominator,
        deduplicated.rate as deduplicated_rate,
        coalesce(deduplicated.returns_at_other_site, 0) as returns_at_other_site
    from report_rows
    inner join period
        on period.period_index = report_rows.period_index
    left join deduplicated
        on deduplicated.period_index = report_rows.period_index
        and deduplicated.reporting_level = report_rows.reporting_level
        and deduplicated.coc_code = report_rows.coc_code
        and deduplicated.site = report_rows.site
        and deduplicated.project_type_name = report_rows.project_type_name
        and deduplicated.window_months = report_rows.window_months
    left join per_site
        on per_site.period_index = report_rows.period_index
        and per_site.reporting_level = report_rows.reporting_level
        and per_site.coc_code = report_rows.coc_code
        and per_site.site = report_rows.site
        and per_site.project_type_name = report_rows.project_type_name
        and per_site.window_months = report_rows.window_months
),

differences as (
    select
        compared.*,
        per_site_universe - deduplicated_universe as universe_difference,
        deduplicated_returns - per_site_returns as returns_difference
    from compared
)

select * from differences
