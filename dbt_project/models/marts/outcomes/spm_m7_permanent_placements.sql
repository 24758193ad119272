with period as (
    select * from {{ ref('int_hud_reporting_period') }}
),

placements as (
    select * from {{ ref('int_spm_m7_placements') }}
),

levels as (
    {{ spm_reporting_levels() }}
),

grouped as (
    select
        placements.period_index,
        placements.measure,
        {{ spm_level_columns('placements') }},
        placements.person_id,
        placements.is_stayer,
        placements.is_successful
    from placements
    cross join levels
),

aggregated as (
    select
        period_index,
        measure,
        {{ spm_level_group_by() }},
        count(distinct person_id) as universe,
        count(distinct case when is_successful then person_id end) as numerator,
        count(distinct person_id) as denominator,
        count(distinct case when is_stayer then person_id end) as stayers
    from grouped
    group by period_index, measure, {{ spm_level_group_by() }}
),

final as (
    select
        {{ spm_period_columns('period') }},
        aggregated.measure,
        case aggregated.measure
            when '7a' then 'Exits from street outreach to a place off the street (7a.1)'
            when '7b1' then 'Exits from ES, SH, TH and RRH to permanent housing (7b.1)'
            when '7b2' then 'Retention of, or exit to, permanent housing from PSH and other PH (7b.2)'
        end as measure_label,
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
        aggregated.stayers
    from aggregated
    inner join period
        on period.period_index = aggregated.period_index
)

select * from final
