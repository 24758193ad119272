{#
    Everything dated that the warehouse knows about a person, from first referral to today,
    each row pointing at its source row (_load_id, _source_file, _source_row): intake
    submissions, enrollment entries and exits, contacts, movement events, service-plan
    milestones, income assessments and case-note findings. The comprehensive client page
    is built from this, and cites every line. No names or free text: a finding points at
    its quote by offsets into the note (note_key, quote_start, quote_end).

    Incremental: a run writes only the people whose events differ from the ones held
    (macros/incremental.sql: replace_changed); computing every row is cheap, writing
    millions of them is not.
#}
{{ config(
    materialized='incremental',
    unique_key='person_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ caseintel.delete_placeholders('event_key') }}",
) }}

with record_links as (
    select * from {{ ref('int_record_links') }}
),

enrollments as (
    select * from {{ ref('int_enrollments') }}
),

touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

movement_events as (
    select * from {{ ref('int_movement_events') }}
),

milestones as (
    select * from {{ ref('stg_plans__milestones') }}
),

income_records as (
    select * from {{ ref('stg_hmis__income_benefits') }}
),

note_findings as (
    select * from {{ ref('int_note_findings') }}
),

intake_submissions as (
    select * from {{ ref('stg_intake__submissions') }}
),

intakes as (
    select
        {{ dbt.concat(["'intake:'", 'intake_submissions.record_key']) }} as event_key,
        record_links.person_id,
        cast(intake_submissions.submitted_at as date) as event_date,
        'intake' as category,
        'intake_submission' as kind,
        intake_submissions.program as detail,
        intake_submissions.site,
        {{ source_citation('stg_intake__submissions', 'record_key', alias='intake_submissions') }}
    from intake_submissions
    inner join record_links
        on record_links.record_key = intake_submissions.record_key
),

entries as (
    select
        {{ dbt.concat(["'entry:'", 'enrollment_key']) }} as event_key,
        person_id,
        entry_date as event_date,
        'enrollment' as category,
        'entry' as kind,
        {{ dbt.concat(['project_type_name', "coalesce(" ~ dbt.concat(["' - '", 'project_name']) ~ ", '')"]) }} as detail,
        site,
        {{ source_citation('stg_hmis__enrollments', 'enrollment_key') }}
    from enrollments
),

exits as (
    select
        {{ dbt.concat(["'exit:'", 'exit_key']) }} as event_key,
        person_id,
        exit_date as event_date,
        'enrollment' as category,
        'exit' as kind,
        {{ dbt.concat(['project_type_name', "'; destination '", "coalesce(destination_group, " ~ as_text('destination') ~ ", 'not recorded')"]) }} as detail,
        site,
        'stg_hmis__exits' as source_model,
        exit_key as source_key,
        exit_load_id as _load_id,
        exit_source_file as _source_file,
        exit_source_row as _source_row
    from enrollments
    where exit_key is not null
),

contacts as (
    select
        {{ dbt.concat(["'contact:'", 'touchpoint_key']) }} as event_key,
        person_id,
        event_date,
        'contact' as category,
        kind,
        detail,
        site,
        {{ source_citation() }}
    from touchpoints
),

movements as (
    select
        {{ dbt.concat(["'movement:'", 'movement_key']) }} as event_key,
        person_id,
        event_date,
        'movement' as category,
        kind,
        detail,
        site,
        {{ source_citation() }}
    from movement_events
),

plan_milestones as (
    select
        {{ dbt.concat(["'plan:'", 'milestones.milestone_key']) }} as event_key,
        record_links.person_id,
        milestones.status_date as event_date,
        'plan' as category,
        milestones.status as kind,
        {{ dbt.concat(["coalesce(milestones.goal, 'no goal')", "' / '", "coalesce(milestones.milestone_type, 'other')"]) }} as detail,
        milestones.site,
        {{ source_citation('stg_plans__milestones', 'milestone_key', alias='milestones') }}
    from milestones
    inner join record_links
        on record_links.record_key = milestones.record_key
),

assessments as (
    select
        {{ dbt.concat(["'assessment:'", 'income_records.income_benefits_key']) }} as event_key,
        record_links.person_id,
        income_records.information_date as event_date,
        'assessment' as category,
        case income_records.data_collection_stage
            when 1 then 'income_at_entry'
            when 2 then 'income_update'
            when 3 then 'income_at_exit'
            when 5 then 'annual_assessment'
            else 'income_record'
        end as kind,
        {{ dbt.concat(["'total monthly income '", "coalesce(" ~ as_text('income_records.total_monthly_income') ~ ", 'not recorded')"]) }} as detail,
        income_records.site,
        {{ source_citation('stg_hmis__income_benefits', 'income_benefits_key', alias='income_records') }}
    from income_records
    inner join record_links
        on record_links.record_key = income_records.record_key
),

findings as (
    select
        {{ dbt.concat(["'finding:'", 'note_findings.finding_key']) }} as event_key,
        note_findings.person_id,
        note_findings.note_date as event_date,
        'finding' as category,
        note_findings.category as kind,
        note_findings.label as detail,
        note_findings.site,
        {{ source_citation('stg_notes__case_notes', 'note_key', alias='note_findings') }}
    from note_findings
),

unioned as (
    select * from intakes
    union all
    select * from entries
    union all
    select * from exits
    union all
    select * from contacts
    union all
    select * from movements
    union all
    select * from plan_milestones
    union all
    select * from assessments
    union all
    select * from findings
),

quoted as (
    -- a finding's quote: offsets into its note's text (stg_notes__case_notes.note_text)
    select
        unioned.*,
        note_findings.quote_start,
        note_findings.quote_end
    from unioned
    left join note_findings
        on unioned.category = 'finding'
        and unioned.event_key = {{ dbt.concat(["'finding:'", 'note_findings.finding_key']) }}
),

dated as (
    select * from quoted
    where event_date is not null
)

{% if is_incremental() -%}
, {{ caseintel.replace_changed('dated', 'person_id', 'event_key') }}
{%- else -%}
select * from dated
{%- endif %}
