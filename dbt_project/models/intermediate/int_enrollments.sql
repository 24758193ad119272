with enrollments as (
    select * from {{ ref('stg_hmis__enrollments') }}
),

exits as (
    select * from {{ ref('stg_hmis__exits') }}
),

projects as (
    select * from {{ ref('stg_hmis__projects') }}
),

record_links as (
    select * from {{ ref('int_record_links') }}
),

permanent_destinations as (
    select * from {{ ref('stg_rubric__permanent_destinations') }}
),

latest_exit as (
    -- an enrollment has at most one exit; if a site sent two, the latest-updated one counts
    select
        exits.*,
        row_number() over (
            partition by enrollment_key
            order by date_updated desc nulls last, exit_date desc nulls last, exit_id desc
        ) as exit_rank
    from exits
),

joined as (
    select
        enrollments.enrollment_key,
        record_links.person_id,
        enrollments.record_key,
        enrollments.site,
        enrollments.enrollment_id,
        enrollments.personal_id,
        enrollments.project_key,
        enrollments.project_id,
        projects.project_name,
        projects.project_type,
        coalesce(projects.project_type_name, 'Unknown project type') as project_type_name,
        enrollments.household_id,
        enrollments.relationship_to_hoh,
        enrollments.relationship_to_hoh_name,
        enrollments.entry_date,
        enrollments.move_in_date,
        latest_exit.exit_key,
        latest_exit.exit_date,
        latest_exit.destination,
        latest_exit.destination_group,
        permanent_destinations.destination is not null as is_permanent_destination,
        enrollments._load_id,
        enrollments._source_file,
        enrollments._source_row,
        latest_exit._load_id as exit_load_id,
        latest_exit._source_file as exit_source_file,
        latest_exit._source_row as exit_source_row
    from enrollments
    inner join record_links
        on record_links.record_key = enrollments.record_key
    left join projects
        on projects.project_key = enrollments.project_key
    left join latest_exit
        on latest_exit.enrollment_key = enrollments.enrollment_key
        and latest_exit.exit_rank = 1
    left join permanent_destinations
        on permanent_destinations.destination = latest_exit.destination
)

select * from joined
