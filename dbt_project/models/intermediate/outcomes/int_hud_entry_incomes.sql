{#
    One row per enrollment with a project-start IncomeBenefits record (DataCollectionStage
    1): the latest such record (by InformationDate) and its monthly income (macro
    hmis_monthly_income). Measure 4, the outcome baselines and the data-quality checks read
    income at entry from here.
#}
with income_records as (
    select * from {{ ref('stg_hmis__income_benefits') }}
),

ranked as (
    select
        income_records.*,
        row_number() over (
            partition by income_records.enrollment_key
            order by income_records.information_date desc, income_records.income_benefits_key desc
        ) as record_rank
    from income_records
    where income_records.data_collection_stage = 1
        and income_records.enrollment_key is not null
),

entry_incomes as (
    select
        enrollment_key,
        income_benefits_key,
        information_date,
        income_from_any_source,
        total_monthly_income,
        {{ hmis_monthly_income('total_monthly_income', 'income_from_any_source') }} as monthly_income,
        _load_id,
        _source_file,
        _source_row
    from ranked
    where record_rank = 1
)

select * from entry_incomes
