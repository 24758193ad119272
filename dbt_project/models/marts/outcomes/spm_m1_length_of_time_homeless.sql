with period as (
    select * from {{ ref('int_hud_reporting_period') }}
),

person_nights as (
    select * from {{ ref('int_spm_m1_nights') }}
),

aggregated as (
    select
        period_index,
        metric,
        {{ spm_level_group_by() }},
        count(distinct person_id) as universe,
        sum(nights_total) as nights,
        avg(cast(nights_total as {{ dbt.type_numeric() }})) as average_nights,
        {{ median('nights_total') }} as median_nights,
        avg(cast(nights_in_period as {{ dbt.type_numeric() }})) as average_nights_in_period
    from person_nights
    group by period_index, metric, {{ spm_level_group_by() }}
),

final as (
    select
        {{ spm_period_columns('period') }},
        period.m1_lookback_start,
        aggregated.metric,
        case aggregated.metric
            when 'es_sh' then 'Emergency shelter and safe haven (1a.1)'
            when 'es_sh_th' then 'Emergency shelter, safe haven and transitional housing (1a.2)'
        end as metric_label,
        {{ spm_level_keys('aggregated') }},
        aggregated.universe,
        aggregated.nights,
        round(aggregated.average_nights, 1) as average_nights,
        round(cast(aggregated.median_nights as {{ dbt.type_numeric() }}), 1) as median_nights,
        round(aggregated.average_nights_in_period, 1) as average_nights_in_period
    from aggregated
    inner join period
        on period.period_index = aggregated.period_index
)

select * from final
