{#
    One row per universal-data-element check on one HMIS record served in the reporting
    period, classified the way HUD's data-quality framework does (macro dq_category).
    Subjects: client elements once per client per project (a client served twice in one
    project is one check); enrollment elements per enrollment; destination per exit in the
    period; income at start per adult or head-of-household entry in the period.

    Incremental: a run writes only the subjects whose checks differ from the ones held
    (macros/incremental.sql: replace_changed).
#}
{{ config(
    materialized='incremental',
    unique_key='subject_key',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ caseintel.delete_placeholders('element') }}",
) }}
{%- set dk_pna = dq_dk_pna_codes() -%}

with period as (
    -- data quality is reported for the current period only
    select * from {{ ref('int_hud_reporting_period') }}
    where is_current_period
),

enrollments as (
    select * from {{ ref('int_hud_enrollments') }}
),

clients as (
    {{ hud_clients_with_dob() }}
),

exits as (
    select * from {{ ref('stg_hmis__exits') }}
),

entry_income_records as (
    select * from {{ ref('int_hud_entry_incomes') }}
),

dq_elements as (
    select * from {{ ref('hud_dq_elements') }}
),

flags as (
    select * from {{ ref('stg_ingest__flags') }}
),

element_flags as (
    -- each flagged raw row once per element, with the first reason
    select
        source_table,
        _load_id,
        _source_row,
        {{ dq_flag_element('source_table', 'field') }} as element,
        min(reason) as flag_reason
    from flags
    where {{ dq_flag_element('source_table', 'field') }} is not null
    group by
        source_table,
        _load_id,
        _source_row,
        {{ dq_flag_element('source_table', 'field') }}
),

served_enrollments as (
    -- enrollments open at some time in the reporting period
    select
        enrollments.*,
        enrollments.entry_date between period.period_start and period.period_end as entered_in_period,
        enrollments.exit_date between period.period_start and period.period_end as exited_in_period
    from enrollments
    cross join period
    where enrollments.entry_date <= period.period_end
        and (enrollments.exit_date is null or enrollments.exit_date >= period.period_start)
),

client_projects as (
    -- one client per project: the earliest entry decides the age checks
    select
        site,
        project_key,
        project_name,
        project_type_name,
        record_key,
        min(entry_date) as entry_date,
        max(case when relationship_to_hoh = 1 then 1 else 0 end) = 1 as is_head_of_household
    from served_enrollments
    group by site, project_key, project_name, project_type_name, record_key
),

client_checks as (
    select
        client_projects.site,
        client_projects.project_key,
        client_projects.project_name,
        client_projects.project_type_name,
        client_projects.record_key as subject_key,
        client_projects.entry_date,
        client_projects.is_head_of_household,
        {{ full_months_between('clients.dob', 'client_projects.entry_date') }} as age_months,
        clients.csv_layout,
        clients.has_first_name,
        clients.has_last_name,
        clients.name_data_quality,
        clients.has_ssn,
        clients.is_pii_hashed,
        clients.ssn_is_nine_digits,
        clients.ssn_is_one_repeated_digit,
        clients.ssn_breaks_ssa_rules,
        clients.ssn_data_quality,
        clients.dob,
        clients.dob_data_quality,
        clients.veteran_status,
        clients.sex,
        clients.race_none,
        clients.gender_none,
        clients.has_race,
        clients.has_gender,
        clients.date_created,
        clients._load_id,
        clients._source_file,
        clients._source_row
    from client_projects
    inner join clients
        on clients.record_key = client_projects.record_key
),

name_checks as (
    select
        client_checks.*,
        'name' as element,
        {{ dq_code_answers('client_checks.name_data_quality',
                           ['not client_checks.has_first_name', 'not client_checks.has_last_name']) }},
        case
            when client_checks.name_data_quality = 2 then 'partial, street or code name'
        end as issue_reason
    from client_checks
),

ssn_checks as (
    select
        client_checks.*,
        'ssn' as element,
        {{ dq_code_answers('client_checks.ssn_data_quality', ['not client_checks.has_ssn']) }},
        case
            when client_checks.ssn_data_quality = 2 then 'approximate or partial SSN'
            when client_checks.is_pii_hashed then null
            when not client_checks.ssn_is_nine_digits then 'SSN is not 9 digits'
            when client_checks.ssn_is_one_repeated_digit then 'SSN is one digit repeated'
            when client_checks.ssn_breaks_ssa_rules then 'SSN breaks SSA numbering rules (000, 666 or 9xx area, 00 group, 0000 serial)'
        end as issue_reason
    from client_checks
),

dob_checks as (
    select
        client_checks.*,
        'dob' as element,
        {{ dq_code_answers('client_checks.dob_data_quality', ['client_checks.dob is null']) }},
        case
            when client_checks.dob_data_quality = 2 then 'approximate or partial DOB'
            when client_checks.dob > client_checks.entry_date then 'DOB after project start'
            when client_checks.age_months > 1200 then 'DOB more than 100 years before project start'
            when client_checks.dob > cast(client_checks.date_created as date) then 'DOB after the record was created'
        end as issue_reason
    from client_checks
),

race_checks as (
    select
        client_checks.*,
        'race_ethnicity' as element,
        client_checks.race_none in {{ dk_pna }} as is_dk_pna,
        client_checks.race_none = 99
            or (client_checks.race_none is null and not client_checks.has_race) as is_missing,
        case
            when client_checks.race_none is not null and client_checks.has_race
                then 'RaceNone recorded with a race marked'
        end as issue_reason
    from client_checks
),

sex_gender_checks as (
    -- FY2026 exports carry Sex; FY2024 exports the gender columns and GenderNone
    select
        client_checks.*,
        'sex_gender' as element,
        case
            when client_checks.csv_layout = 'FY2026' or client_checks.sex is not null
                then client_checks.sex in {{ dk_pna }}
            else client_checks.gender_none in {{ dk_pna }}
        end as is_dk_pna,
        case
            when client_checks.csv_layout = 'FY2026' or client_checks.sex is not null
                then client_checks.sex = 99 or client_checks.sex is null
            else client_checks.gender_none = 99
                or (client_checks.gender_none is null and not client_checks.has_gender)
        end as is_missing,
        case
            when (client_checks.csv_layout = 'FY2026' or client_checks.sex is not null)
                and client_checks.sex not in (0, 1, 8, 9, 99)
                then 'not a HUD Sex code'
            when client_checks.csv_layout <> 'FY2026' and client_checks.sex is null
                and client_checks.gender_none is not null and client_checks.has_gender
                then 'GenderNone recorded with a gender marked'
        end as issue_reason
    from client_checks
),

veteran_checks as (
    -- adults (or age unknown), and children recorded as veterans
    select
        client_checks.*,
        'veteran_status' as element,
        {{ dq_code_answers('client_checks.veteran_status') }},
        case
            when client_checks.veteran_status = 1 and client_checks.age_months < 12 * period.adult_age_years
                then 'veteran under 18'
        end as issue_reason
    from client_checks
    cross join period
    where client_checks.age_months is null
        or client_checks.age_months >= 12 * period.adult_age_years
        or client_checks.veteran_status = 1
),

client_element_checks as (
    {%- for cte in ['name_checks', 'ssn_checks', 'dob_checks', 'race_checks', 'sex_gender_checks', 'veteran_checks'] %}
    select
        element,
        site,
        project_key,
        project_name,
        project_type_name,
        'client' as subject_kind,
        subject_key,
        csv_layout,
        is_dk_pna,
        is_missing,
        issue_reason,
        'hmis_client' as flag_table,
        _load_id,
        _source_file,
        _source_row
    from {{ cte }}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}
),

households as (
    select
        site,
        household_id,
        sum(case when relationship_to_hoh = 1 then 1 else 0 end) as heads_of_household
    from served_enrollments
    where household_id is not null
    group by site, household_id
),

overlapping_enrollments as (
    -- another enrollment of the same client in the same project open on this one's start
    select distinct this.enrollment_key
    from served_enrollments as this
    inner join enrollments as other
        on other.project_key = this.project_key
        and other.record_key = this.record_key
        and other.enrollment_key <> this.enrollment_key
        and other.entry_date <= this.entry_date
        and (other.exit_date is null or other.exit_date > this.entry_date)
),

enrollment_checks as (
    select
        served_enrollments.*,
        coalesce(households.heads_of_household, case when served_enrollments.relationship_to_hoh = 1 then 1 else 0 end)
            as heads_of_household,
        overlapping_enrollments.enrollment_key is not null as overlaps_another_enrollment,
        {{ full_months_between('clients.dob', 'served_enrollments.entry_date') }} as age_months,
        clients.csv_layout
    from served_enrollments
    left join households
        on households.site = served_enrollments.site
        and households.household_id = served_enrollments.household_id
    left join overlapping_enrollments
        on overlapping_enrollments.enrollment_key = served_enrollments.enrollment_key
    left join clients
        on clients.record_key = served_enrollments.record_key
),

enrollment_element_checks as (
    select
        'project_start_date' as element,
        enrollment_key as subject_key,
        enrollment_checks.*,
        false as is_dk_pna,
        entry_date is null as is_missing,
        case
            when overlaps_another_enrollment then 'overlaps another enrollment of the client in the project'
        end as issue_reason
    from enrollment_checks

    union all

    select
        'relationship_to_hoh' as element,
        enrollment_key as subject_key,
        enrollment_checks.*,
        false as is_dk_pna,
        relationship_to_hoh = 99 or relationship_to_hoh is null as is_missing,
        case
            when heads_of_household = 0 then 'household has no head of household'
            when heads_of_household > 1 then 'household has more than one head of household'
        end as issue_reason
    from enrollment_checks

    union all

    select
        'enrollment_coc' as element,
        enrollment_key as subject_key,
        enrollment_checks.*,
        false as is_dk_pna,
        enrollment_coc is null as is_missing,
        case
            when not (
                length(enrollment_coc) = 6
                and substr(enrollment_coc, 3, 1) = '-'
                and {{ only_characters('substr(enrollment_coc, 1, 2)', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') }}
                and {{ is_digits('substr(enrollment_coc, 4, 3)', 3) }}
            )
                then 'not a CoC code (XX-999)'
        end as issue_reason
    from enrollment_checks
    where relationship_to_hoh = 1

    union all

    select
        'disabling_condition' as element,
        enrollment_key as subject_key,
        enrollment_checks.*,
        {{ dq_code_answers('disabling_condition') }},
        case
            when disabling_condition not in (0, 1, 8, 9, 99) then 'not a HUD yes/no code'
        end as issue_reason
    from enrollment_checks

    union all

    select
        'prior_living_situation' as element,
        enrollment_key as subject_key,
        enrollment_checks.*,
        {{ dq_code_answers('living_situation') }},
        cast(null as {{ dbt.type_string() }}) as issue_reason
    from enrollment_checks
    where relationship_to_hoh = 1
        or age_months is null
        or age_months >= 12 * {{ spm_days('adult_age_years') }}
),

enrollment_element_rows as (
    select
        element,
        site,
        project_key,
        project_name,
        project_type_name,
        'enrollment' as subject_kind,
        subject_key,
        csv_layout,
        is_dk_pna,
        is_missing,
        issue_reason,
        'hmis_enrollment' as flag_table,
        _load_id,
        _source_file,
        _source_row
    from enrollment_element_checks
),

destination_checks as (
    select
        'destination' as element,
        served_enrollments.site,
        served_enrollments.project_key,
        served_enrollments.project_name,
        served_enrollments.project_type_name,
        'exit' as subject_kind,
        served_enrollments.exit_key as subject_key,
        clients.csv_layout,
        served_enrollments.destination in {{ dk_pna }} as is_dk_pna,
        served_enrollments.destination in (30, 99) or served_enrollments.destination is null as is_missing,
        cast(null as {{ dbt.type_string() }}) as issue_reason,
        'hmis_exit' as flag_table,
        exits._load_id,
        exits._source_file,
        exits._source_row
    from served_enrollments
    inner join exits
        on exits.exit_key = served_enrollments.exit_key
    left join clients
        on clients.record_key = served_enrollments.record_key
    where served_enrollments.exited_in_period
),

income_checks as (
    -- adults and heads of household who entered during the period
    select
        'income_at_entry' as element,
        enrollment_checks.site,
        enrollment_checks.project_key,
        enrollment_checks.project_name,
        enrollment_checks.project_type_name,
        'enrollment' as subject_kind,
        enrollment_checks.enrollment_key as subject_key,
        enrollment_checks.csv_layout,
        entry_income_records.income_from_any_source in {{ dk_pna }} as is_dk_pna,
        entry_income_records.income_benefits_key is null
            or entry_income_records.income_from_any_source = 99
            or entry_income_records.income_from_any_source is null as is_missing,
        case
            when entry_income_records.income_from_any_source = 1
                and coalesce(entry_income_records.total_monthly_income, 0) <= 0
                then 'income from a source reported without an amount'
            when entry_income_records.income_from_any_source = 0
                and entry_income_records.total_monthly_income > 0
                then 'no income reported with an amount'
        end as issue_reason,
        'hmis_income_benefits' as flag_table,
        coalesce(entry_income_records._load_id, enrollment_checks._load_id) as _load_id,
        coalesce(entry_income_records._source_file, enrollment_checks._source_file) as _source_file,
        coalesce(entry_income_records._source_row, enrollment_checks._source_row) as _source_row
    from enrollment_checks
    left join entry_income_records
        on entry_income_records.enrollment_key = enrollment_checks.enrollment_key
    where enrollment_checks.entered_in_period
        and (
            enrollment_checks.relationship_to_hoh = 1
            or enrollment_checks.age_months is null
            or enrollment_checks.age_months >= 12 * {{ spm_days('adult_age_years') }}
        )
),

all_checks as (
    select * from client_element_checks
    union all
    select * from enrollment_element_rows
    union all
    select * from destination_checks
    union all
    select * from income_checks
),

classified as (
    select
        all_checks.element,
        dq_elements.label as element_label,
        dq_elements.element_order,
        all_checks.site,
        all_checks.project_key,
        all_checks.project_name,
        all_checks.project_type_name,
        all_checks.subject_kind,
        all_checks.subject_key,
        all_checks.csv_layout,
        {{ dq_category(
            'all_checks.is_dk_pna',
            'element_flags.element is not null',
            'all_checks.is_missing',
            'all_checks.issue_reason is not null'
        ) }} as category,
        case
            when coalesce(all_checks.is_dk_pna, false) then null
            when element_flags.element is not null then element_flags.flag_reason
            when coalesce(all_checks.is_missing, false) then null
            else all_checks.issue_reason
        end as issue_reason,
        element_flags.element is not null as is_flagged_at_ingest,
        all_checks._load_id,
        all_checks._source_file,
        all_checks._source_row
    from all_checks
    left join dq_elements
        on dq_elements.element = all_checks.element
    left join element_flags
        on element_flags.source_table = all_checks.flag_table
        and element_flags._load_id = all_checks._load_id
        and element_flags._source_row = all_checks._source_row
        and element_flags.element = all_checks.element
)

{% if is_incremental() -%}
, {{ caseintel.replace_changed('classified', 'subject_key', 'element') }}
{%- else -%}
select * from classified
{%- endif %}
