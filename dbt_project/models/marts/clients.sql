with persons as (
    select * from {{ ref('stg_identity__persons') }}
),

record_links as (
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

intake_submissions as (
    select * from {{ ref('stg_intake__submissions') }}
),

active_persons as (
    select * from persons
    where status = 'active'
),

record_counts as (
    select
        person_id,
        count(*) as source_records,
        count(distinct site) as sites
    from record_links
    group by person_id
),

person_sources as (
    select distinct
        person_id,
        source
    from record_links
),

source_lists as (
    select
        person_id,
        {{ dbt.listagg('source', "', '", 'order by source') }} as sources
    from person_sources
    group by person_id
),

dated_activity as (
    -- every dated record of a person: enrollment entries and exits, contacts, movement,
    -- intake submissions
    select person_id, entry_date as activity_date from enrollments
    union all
    select person_id, exit_date as activity_date from enrollments
    union all
    select person_id, event_date as activity_date from touchpoints
    union all
    select person_id, event_date as activity_date from movement_events
    union all
    select
        record_links.person_id,
        cast(intake_submissions.submitted_at as date) as activity_date
    from intake_submissions
    inner join record_links
        on record_links.record_key = intake_submissions.record_key
),

activity_span as (
    select
        person_id,
        min(activity_date) as first_seen_date,
        max(activity_date) as last_seen_date
    from dated_activity
    where activity_date is not null
    group by person_id
),

final as (
    select
        active_persons.person_id,
        active_persons.issued_at,
        coalesce(record_counts.source_records, 0) as source_records,
        coalesce(record_counts.sites, 0) as sites,
        source_lists.sources,
        activity_span.first_seen_date,
        activity_span.last_seen_date
    from active_persons
    left join record_counts
        on record_counts.person_id = active_persons.person_id
    left join source_lists
        on source_lists.person_id = active_persons.person_id
    left join activity_span
        on activity_span.person_id = active_persons.person_id
)

select * from final
