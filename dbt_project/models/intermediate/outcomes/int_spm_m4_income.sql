{#
    SPM Measure 4 (income growth), one row per reporting period x adult person (person_id)
    who is a stayer or a leaver of a CoC-program project during the period, with the
    enrollment that decides it and the person's total monthly income at entry and later.

    - Projects: the project types CoC programs fund (spm_project_types m4_coc_funded: TH,
      PSH, PH, SSO, SH, RRH); Funder.csv is not loaded, so the project type stands in.
    - Adult: at least adult_age_years old on the later of the entry and the period start;
      a person whose DOB is unknown is not counted (HUD counts adults only).
    - Stayer: enrolled on the period end for at least m4_stayer_min_days (365) days.
      Leaver: exited during the period. A person who is both is a stayer; a person with
      several qualifying enrollments counts by the latest one.
    - Income at entry: the enrollment's project-start IncomeBenefits record (stage 1); a
      record saying no income from any source counts as 0.
    - Later income: a leaver's exit record (stage 3), else their latest update or annual
      assessment (stages 2, 5) by the exit; a stayer's latest update or annual assessment
      by the period end.
#}
with period as (
    select * from {{ ref('int_hud_reporting_period') }}
),

enrollments as (
    select * from {{ ref('int_hud_enrollments') }}
),

clients as (
    {{ hud_clients_with_dob() }}
),

income_records as (
    select * from {{ ref('stg_hmis__income_benefits') }}
),

entry_incomes as (
    select * from {{ ref('int_hud_entry_incomes') }}
),

active_enrollments as (
    select
        enrollments.*,
        period.period_index,
        period.period_start,
        period.period_end,
        {{ full_months_between('clients.dob', 'greatest(enrollments.entry_date, period.period_start)') }}
            >= 12 * period.adult_age_years as is_adult,
        case
            when (enrollments.exit_date is null or enrollments.exit_date > period.period_end)
                and {{ days_between('enrollments.entry_date', 'period.period_end') }} >= period.m4_stayer_min_days
                then 'stayers'
            when enrollments.exit_date between period.period_start and period.period_end
                then 'leavers'
        end as population
    from enrollments
    cross join period
    inner join clients
        on clients.record_key = enrollments.record_key
    where {{ in_project_types('enrollments.project_type', 'm4_coc_funded') }}
        and enrollments.entry_date <= period.period_end
),

ranked_enrollments as (
    select
        active_enrollments.*,
        row_number() over (
            partition by period_index, person_id
            order by
                case population when 'stayers' then 0 else 1 end,
                coalesce(exit_date, period_end) desc,
                entry_date desc,
                enrollment_key desc
        ) as person_rank
    from active_enrollments
    where population is not null
        and is_adult
),

deciding_enrollments as (
    select * from ranked_enrollments
    where person_rank = 1
),

later_incomes as (
    select
        deciding_enrollments.period_index,
        income_records.enrollment_key,
        income_records.data_collection_stage,
        {{ hmis_monthly_income('income_records.total_monthly_income', 'income_records.income_from_any_source') }} as monthly_income,
        income_records.information_date,
        row_number() over (
            partition by deciding_enrollments.period_index, income_records.enrollment_key
            order by
                case when income_records.data_collection_stage = 3 then 0 else 1 end,
                income_records.information_date desc,
                income_records.income_benefits_key desc
        ) as record_rank
    from income_records
    inner join deciding_enrollments
        on deciding_enrollments.enrollment_key = income_records.enrollment_key
    where (
            deciding_enrollments.population = 'leavers'
            and (
                income_records.data_collection_stage = 3
                or (
                    income_records.data_collection_stage in (2, 5)
                    and income_records.information_date <= deciding_enrollments.exit_date
                )
            )
        )
        or (
            deciding_enrollments.population = 'stayers'
            and income_records.data_collection_stage in (2, 5)
            and income_records.information_date <= deciding_enrollments.period_end
        )
),

joined as (
    select
        {{ spm_period_columns('period') }},
        deciding_enrollments.person_id,
        deciding_enrollments.population,
        deciding_enrollments.enrollment_key,
        {{ spm_group_columns('deciding_enrollments') }},
        deciding_enrollments.entry_date,
        deciding_enrollments.exit_date,
        entry_incomes.monthly_income as entry_monthly_income,
        later_incomes.monthly_income as later_monthly_income,
        later_incomes.information_date as later_income_date,
        later_incomes.data_collection_stage as later_income_stage,
        later_incomes.monthly_income - entry_incomes.monthly_income as monthly_income_change,
        coalesce(later_incomes.monthly_income > entry_incomes.monthly_income, false) as has_increased_income
    from deciding_enrollments
    inner join period
        on period.period_index = deciding_enrollments.period_index
    left join entry_incomes
        on entry_incomes.enrollment_key = deciding_enrollments.enrollment_key
    left join later_incomes
        on later_incomes.period_index = deciding_enrollments.period_index
        and later_incomes.enrollment_key = deciding_enrollments.enrollment_key
        and later_incomes.record_rank = 1
)

select * from joined
