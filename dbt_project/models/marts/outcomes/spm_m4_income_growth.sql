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

{{ spm_counted('populations', 'income_population', 'has_increased_income',
               ['has_increased_income', 'monthly_income_change'], extra={
    'people_with_both_incomes': 'count(monthly_income_change)',
    'average_monthly_income_change': 'avg(monthly_income_change)',
}) }},

final as (
    select
        {{ spm_period_columns('period') }},
        aggregated.income_population,
        {{ spm_level_keys('aggregated') }},
        {{ spm_rate_columns('aggregated') }},
        aggregated.people_with_both_incomes,
        round(cast(aggregated.average_monthly_income_change as {{ dbt.type_numeric() }}), 2) as average_monthly_income_change
    from aggregated
    inner join period
        on period.period_index = aggregated.period_index
)

select * from final
