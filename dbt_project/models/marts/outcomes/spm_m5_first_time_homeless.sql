with period as (
    select * from {{ ref('int_hud_reporting_period') }}
),

entries as (
    select * from {{ ref('int_spm_m5_entries') }}
),

levels as (
    {{ spm_reporting_levels() }}
),

grouped as (
    select
        entries.period_index,
        entries.metric,
        {{ spm_level_columns('entries') }},
        entries.person_id,
        entries.is_first_time,
        entries.has_prior_at_other_site
    from entries
    cross join levels
),

aggregated as (
    select
        period_index,
        metric,
        {{ spm_level_group_by() }},
        count(distinct person_id) as universe,
        count(distinct case when is_first_time then person_id end) as numerator,
        count(distinct person_id) as denominator,
        count(distinct case when has_prior_at_other_site then person_id end) as people_with_prior_stay_at_other_site
    from grouped
    group by period_index, metric, {{ spm_level_group_by() }}
),

final as (
    select
        {{ spm_period_columns('period') }},
        aggregated.metric,
        case aggregated.metric
            when 'es_sh_th' then 'Entries to emergency shelter, safe haven or transitional housing (5.1)'
            when 'es_sh_th_ph' then 'Entries to emergency shelter, safe haven, transitional or permanent housing (5.2)'
        end as metric_label,
        aggregated.reporting_level,
        aggregated.level_order,
        aggregated.coc_code,
        aggregated.site,
        aggregated.project_type,
        aggregated.project_type_name,
        aggregated.universe,
        aggregated.numerator,
        aggregated.denominator,
        {{ safe_rate('aggregated.numerator', 'aggregated.denominator') }} as rate,
        aggregated.people_with_prior_stay_at_other_site
    from aggregated
    inner join period
        on period.period_index = aggregated.period_index
)

select * from final
