with period as (
    select * from {{ ref('int_hud_reporting_period') }}
),

placements as (
    select * from {{ ref('int_spm_m7_placements') }}
),

levels as (
    {{ spm_reporting_levels() }}
),

{{ spm_counted('placements', 'measure', 'is_successful', ['is_stayer', 'is_successful'], extra={
    'stayers': 'count(distinct case when is_stayer then person_id end)',
}) }},

final as (
    select
        {{ spm_period_columns('period') }},
        aggregated.measure,
        case aggregated.measure
            when '7a' then 'Exits from street outreach to a place off the street (7a.1)'
            when '7b1' then 'Exits from ES, SH, TH and RRH to permanent housing (7b.1)'
            when '7b2' then 'Retention of, or exit to, permanent housing from PSH and other PH (7b.2)'
        end as measure_label,
        {{ spm_level_keys('aggregated') }},
        {{ spm_rate_columns('aggregated') }},
        aggregated.stayers
    from aggregated
    inner join period
        on period.period_index = aggregated.period_index
)

select * from final
