with period as (
    select * from {{ ref('int_hud_reporting_period') }}
),

entries as (
    select * from {{ ref('int_spm_m5_entries') }}
),

levels as (
    {{ spm_reporting_levels() }}
),

{{ spm_counted('entries', 'metric', 'is_first_time', ['is_first_time', 'has_prior_at_other_site'], extra={
    'people_with_prior_stay_at_other_site': 'count(distinct case when has_prior_at_other_site then person_id end)',
}) }},

final as (
    select
        {{ spm_period_columns('period') }},
        aggregated.metric,
        case aggregated.metric
            when 'es_sh_th' then 'Entries to emergency shelter, safe haven or transitional housing (5.1)'
            when 'es_sh_th_ph' then 'Entries to emergency shelter, safe haven, transitional or permanent housing (5.2)'
        end as metric_label,
        {{ spm_level_keys('aggregated') }},
        {{ spm_rate_columns('aggregated') }},
        aggregated.people_with_prior_stay_at_other_site
    from aggregated
    inner join period
        on period.period_index = aggregated.period_index
)

select * from final
