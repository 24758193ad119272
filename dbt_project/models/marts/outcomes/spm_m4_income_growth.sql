with period as (
    select * from {{ ref('int_hud_reporting_period') }}
),

people as (
    select * from {{ ref('int_spm_m4_income') }}
),

levels as (
    {{ spm_reporting_levels() }}
),

populations as (
    -- stayers and leavers apart (HUD 4.3 and 4.6), and together
    select people.population as income_population, people.* from people
    union all
    select 'all_adults' as income_population, people.* from people
),

grouped as (
    select
        populations.period_index,
        populations.income_population,
        {{ spm_level_columns('populations') }},
        populations.person_id,
        populations.has_increased_income,
        populations.monthly_income_change
    from populations
    cross join levels
),

aggregated as (
    select
        period_index,
        income_population,
        {{ spm_level_group_by() }},
        count(distinct person_id) as universe,
        count(distinct case when has_increased_income then person_id end) as numerator,
        count(distinct person_id) as denominator,
        count(monthly_income_change) as people_with_both_incomes,
        avg(monthly_income_change) as average_monthly_income_change
    from grouped
    group by period_index, income_population, {{ spm_level_group_by() }}
),

final as (
    select
        {{ spm_period_columns('period') }},
        aggregated.income_population,
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
        aggregated.people_with_both_incomes,
        round(cast(aggregated.average_monthly_income_change as {{ dbt.type_numeric() }}), 2) as average_monthly_income_change
    from aggregated
    inner join period
        on period.period_index = aggregated.period_index
)

select * from final
