{#
    One row per person with an HMIS enrollment begun by the as-of date: the baseline their
    follow-up surveys are due from, and what was measured then.

    - Baseline date: as in the momentum rules, the earliest entry among the enrollments
      open on the as-of date; for a person with none open, the earliest entry among the
      enrollments open on their last exit date (the last stretch of service).
    - Program and site: the project type and site of the latest entry in that set.
    - Baseline measures, each the record closest to the baseline date within
      outcome_baseline_window_days (ties: the earlier): the intake submission (employment,
      monthly income), each validated screen (PHQ-9, GAD-7 total); the entry living
      situation of the baseline enrollment; income falls back to that enrollment's
      project-start IncomeBenefits record when the intake has none.
#}
{%- set window_days = outcome_baseline_window_days() -%}

with as_of as (
    select as_of_date from {{ ref('int_as_of_dates') }}
    where is_current
),

enrollments as (
    select * from {{ ref('int_hud_enrollments') }}
),

record_links as (
    select * from {{ ref('int_record_links') }}
),

intake_submissions as (
    select * from {{ ref('stg_intake__submissions') }}
),

scored_screens as (
    select * from {{ ref('int_outcome_screens') }}
),

entry_incomes as (
    select * from {{ ref('int_hud_entry_incomes') }}
),

started_enrollments as (
    select
        enrollments.*,
        as_of.as_of_date,
        enrollments.exit_date is null or enrollments.exit_date > as_of.as_of_date as is_open
    from enrollments
    cross join as_of
    where enrollments.entry_date <= as_of.as_of_date
),

people as (
    select
        person_id,
        as_of_date,
        max(case when is_open then 1 else 0 end) = 1 as is_enrolled,
        max(case when not is_open then exit_date end) as last_exit_date
    from started_enrollments
    group by person_id, as_of_date
),

reference_enrollments as (
    -- the enrollments open on the as-of date, or for a person with none, on the last exit
    select
        started_enrollments.*,
        people.is_enrolled,
        case when people.is_enrolled then people.as_of_date else people.last_exit_date end as reference_date
    from started_enrollments
    inner join people
        on people.person_id = started_enrollments.person_id
    where (people.is_enrolled and started_enrollments.is_open)
        or (
            not people.is_enrolled
            and started_enrollments.exit_date >= people.last_exit_date
        )
),

ranked_enrollments as (
    select
        reference_enrollments.*,
        row_number() over (
            partition by person_id order by entry_date, enrollment_key
        ) as baseline_rank,
        row_number() over (
            partition by person_id order by entry_date desc, enrollment_key desc
        ) as program_rank
    from reference_enrollments
),

baselines as (
    select
        baseline.person_id,
        baseline.as_of_date,
        baseline.is_enrolled,
        baseline.reference_date,
        baseline.entry_date as baseline_date,
        baseline.enrollment_key as baseline_enrollment_key,
        baseline.living_situation_group as baseline_living_situation_group,
        program.enrollment_key as program_enrollment_key,
        program.site,
        program.project_type,
        program.project_type_name as program
    from ranked_enrollments as baseline
    inner join ranked_enrollments as program
        on program.person_id = baseline.person_id
        and program.program_rank = 1
    where baseline.baseline_rank = 1
),

linked_intakes as (
    select
        record_links.person_id,
        intake_submissions.record_key,
        cast(intake_submissions.submitted_at as date) as submitted_date,
        intake_submissions.is_employed,
        intake_submissions.monthly_income
    from intake_submissions
    inner join record_links
        on record_links.record_key = intake_submissions.record_key
),

baseline_intakes as (
    select
        baselines.person_id,
        linked_intakes.record_key,
        linked_intakes.submitted_date,
        linked_intakes.is_employed,
        linked_intakes.monthly_income,
        row_number() over (
            partition by baselines.person_id
            order by
                abs({{ days_between('baselines.baseline_date', 'linked_intakes.submitted_date') }}),
                linked_intakes.submitted_date,
                linked_intakes.record_key
        ) as closeness_rank
    from baselines
    inner join linked_intakes
        on linked_intakes.person_id = baselines.person_id
        and linked_intakes.submitted_date
            between {{ add_days('baselines.baseline_date', -1 * window_days) }}
            and {{ add_days('baselines.baseline_date', window_days) }}
),

baseline_screens as (
    select
        baselines.person_id,
        scored_screens.instrument,
        scored_screens.screen_key,
        scored_screens.screen_date,
        scored_screens.total_score,
        row_number() over (
            partition by baselines.person_id, scored_screens.instrument
            order by
                abs({{ days_between('baselines.baseline_date', 'scored_screens.screen_date') }}),
                scored_screens.screen_date,
                scored_screens.screen_key
        ) as closeness_rank
    from baselines
    inner join scored_screens
        on scored_screens.person_id = baselines.person_id
        and scored_screens.screen_date
            between {{ add_days('baselines.baseline_date', -1 * window_days) }}
            and {{ add_days('baselines.baseline_date', window_days) }}
),

joined as (
    select
        baselines.*,
        baseline_intakes.record_key as baseline_intake_record_key,
        baseline_intakes.submitted_date as baseline_intake_date,
        baseline_intakes.is_employed as baseline_is_employed,
        coalesce(baseline_intakes.monthly_income, entry_incomes.monthly_income) as baseline_monthly_income,
        case
            when baseline_intakes.monthly_income is not null then 'intake'
            when entry_incomes.monthly_income is not null then 'hmis_entry'
        end as baseline_income_source,
        {%- for screen in outcome_screen_instruments() %}
        {{ screen.prefix }}_baseline.screen_key as {{ screen.prefix }}_baseline_screen_key,
        {{ screen.prefix }}_baseline.screen_date as {{ screen.prefix }}_baseline_date,
        {{ screen.prefix }}_baseline.total_score as {{ screen.prefix }}_baseline_score{% if not loop.last %},{% endif %}
        {%- endfor %}
    from baselines
    left join baseline_intakes
        on baseline_intakes.person_id = baselines.person_id
        and baseline_intakes.closeness_rank = 1
    left join entry_incomes
        on entry_incomes.enrollment_key = baselines.baseline_enrollment_key
    {%- for screen in outcome_screen_instruments() %}
    left join baseline_screens as {{ screen.prefix }}_baseline
        on {{ screen.prefix }}_baseline.person_id = baselines.person_id
        and {{ screen.prefix }}_baseline.instrument = '{{ screen.instrument }}'
        and {{ screen.prefix }}_baseline.closeness_rank = 1
    {%- endfor %}
)

select * from joined
