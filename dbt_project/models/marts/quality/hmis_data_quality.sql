with period as (
    -- data quality is reported for the current period only
    select * from {{ ref('int_hud_reporting_period') }}
    where is_current_period
),

checks as (
    select * from {{ ref('hmis_dq_checks') }}
),

counted as (
    select
        site,
        project_key,
        project_name,
        project_type_name,
        element,
        element_label,
        element_order,
        count(*) as records,
        sum(case when category = 'dk_pna' then 1 else 0 end) as dk_pna,
        sum(case when category = 'missing' then 1 else 0 end) as missing,
        sum(case when category = 'data_issue' then 1 else 0 end) as data_issues,
        sum(case when is_flagged_at_ingest then 1 else 0 end) as flagged_at_ingest
    from checks
    group by site, project_key, project_name, project_type_name, element, element_label, element_order
),

rated as (
    select
        counted.*,
        dk_pna + missing + data_issues as errors,
        {{ safe_rate('dk_pna', 'records') }} as dk_pna_rate,
        {{ safe_rate('missing', 'records') }} as missing_rate,
        {{ safe_rate('data_issues', 'records') }} as data_issue_rate,
        {{ safe_rate('dk_pna + missing + data_issues', 'records') }} as error_rate
    from counted
),

ranked as (
    select
        period.period_label,
        period.period_start,
        period.period_end,
        rated.*,
        row_number() over (
            order by rated.error_rate desc, rated.errors desc, rated.site, rated.project_key, rated.element_order
        ) as error_rank,
        row_number() over (
            partition by rated.element
            order by rated.error_rate desc, rated.errors desc, rated.site, rated.project_key
        ) as error_rank_within_element
    from rated
    cross join period
)

select * from ranked
