-- One row per HMIS enrollment: chronic homelessness at project start, by HUD's definition
-- as the HMIS Reporting Glossary's flow chart computes it from the entry answers (a peer
-- implementation: Green River's hmis-warehouse, ch_enrollment.rb), and domestic-violence
-- status at project start (HealthAndDV, collection stage 1).
--   1. Disabling condition: yes (or an entry disability that is indefinite and impairs)
--      goes on; no -> no; 8/9 -> doesn't know / prefers not; 99 or blank -> missing.
--   2. Entering a shelter, street-outreach or safe-haven project, or from the street,
--      shelter or a safe haven (116, 101, 118): the duration test decides.
--   3. From an institution (2xx): a stay under 90 days and the street/shelter the night
--      before are needed; from anywhere else, a stay under 7 nights and the same.
--   Duration: homeless since a date at least 365 days before entry -> yes; else 1-3 times
--   in three years -> no, four or more -> 12+ months in them (112, 113) -> yes, fewer -> no.
with answers as (
    select * from {{ ref('stg_hmis__entry_answers') }}
),

projects as (
    select * from {{ ref('stg_hmis__projects') }}
),

disabilities as (
    select * from {{ ref('stg_hmis__disabilities') }}
),

health_and_dv as (
    select * from {{ ref('stg_hmis__health_and_dv') }}
),

entry_disability as (
    select
        enrollment_key,
        max(case when indefinite_and_impairs = 1 and disability_response <> 0 then 1 else 0 end)
            as has_impairing_disability
    from disabilities
    where data_collection_stage = 1
    group by enrollment_key
),

entry_dv as (
    select
        enrollment_key,
        domestic_violence_survivor,
        currently_fleeing,
        row_number() over (
            partition by enrollment_key
            order by information_date desc nulls last, date_updated desc nulls last, record_id
        ) as dv_rank
    from health_and_dv
    where data_collection_stage = 1
),

inputs as (
    select
        answers.record_id as enrollment_key,
        answers.record_key,
        answers.site,
        answers.entry_date,
        projects.project_type,
        answers.living_situation,
        answers.length_of_stay,
        answers.los_under_threshold,
        answers.previous_street_essh,
        answers.date_to_street_essh,
        answers.times_homeless_past_three_years as times_homeless,
        answers.months_homeless_past_three_years as months_homeless,
        case
            when answers.disabling_condition = 1
                or entry_disability.has_impairing_disability = 1 then 'yes'
            when answers.disabling_condition = 0 then 'no'
            when answers.disabling_condition in (8, 9) then 'dk_r'
            else 'missing'
        end as disability_answer,
        case
            when projects.project_type in (0, 1, 4, 8)
                or answers.living_situation in (101, 116, 118) then 'homeless'
            when answers.living_situation between 200 and 299 then 'institution'
            else 'other'
        end as entered_from,
        entry_dv.domestic_violence_survivor,
        entry_dv.currently_fleeing
    from answers
    left join projects
        on projects.project_key = answers.project_key
    left join entry_disability
        on entry_disability.enrollment_key = answers.record_id
    left join entry_dv
        on entry_dv.enrollment_key = answers.record_id
        and entry_dv.dv_rank = 1
),

decided as (
    select
        inputs.*,
        case
            when disability_answer <> 'yes' then disability_answer
            -- from an institution or elsewhere: a short stay after the street or shelter
            when entered_from <> 'homeless' and los_under_threshold = 0 then 'no'
            when entered_from <> 'homeless' and los_under_threshold is null then 'missing'
            when entered_from <> 'homeless' and previous_street_essh = 0 then 'no'
            when entered_from <> 'homeless' and previous_street_essh is null then 'missing'
            -- the duration test
            when date_to_street_essh <= {{ add_days('entry_date', -365) }} then 'yes'
            when times_homeless in (1, 2, 3) then 'no'
            when times_homeless in (8, 9) then 'dk_r'
            when times_homeless is null or times_homeless <> 4 then 'missing'
            when months_homeless in (112, 113) then 'yes'
            when months_homeless between 101 and 111 then 'no'
            when months_homeless in (8, 9) then 'dk_r'
            else 'missing'
        end as chronic_status
    from inputs
)

select
    enrollment_key,
    record_key,
    site,
    entry_date,
    entered_from,
    disability_answer,
    chronic_status,
    chronic_status = 'yes' as is_chronically_homeless,
    domestic_violence_survivor,
    case domestic_violence_survivor
        when 1 then 'yes' when 0 then 'no' when 8 then 'dk_r' when 9 then 'dk_r'
        else 'missing'
    end as dv_status,
    currently_fleeing = 1 as is_currently_fleeing
from decided
