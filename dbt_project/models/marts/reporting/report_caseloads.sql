{#
    Caseloads per worker at every as-of date of the history: each open client is assigned
    to the worker who wrote the most contact notes for them in the `caseload_window_days`
    before that date (ties: the latest note, then the worker id); a client with no contact
    note in the window is unassigned (worker_id null). The agency norm is the median
    caseload of the assigned workers on that date.
#}
with history as (
    select * from {{ ref('client_momentum_history') }}
),

case_notes as (
    select * from {{ ref('stg_notes__case_notes') }}
),

record_links as (
    select * from {{ ref('int_record_links') }}
),

rules as (
    select * from {{ ref('report_rules') }}
),

open_clients as (
    select
        person_id,
        as_of_date,
        grade
    from history
    where grade <> 'closed'
),

worker_notes as (
    -- contact notes each worker wrote for each open client in the window before each date
    select
        open_clients.person_id,
        open_clients.as_of_date,
        case_notes.author_id as worker_id,
        count(*) as contact_notes,
        max(case_notes.note_date) as last_note_date
    from open_clients
    cross join rules
    inner join record_links
        on record_links.person_id = open_clients.person_id
    inner join case_notes
        on case_notes.record_key = record_links.record_key
        and case_notes.note_date <= open_clients.as_of_date
        and case_notes.note_date > {{ add_days('open_clients.as_of_date', '-1 * rules.caseload_window_days') }}
        and (case_notes.note_type is null or case_notes.note_type <> 'attempted_contact')
        and case_notes.author_id is not null
    group by open_clients.person_id, open_clients.as_of_date, case_notes.author_id
),

ranked_workers as (
    select
        worker_notes.*,
        row_number() over (
            partition by person_id, as_of_date
            order by contact_notes desc, last_note_date desc, worker_id
        ) as worker_rank
    from worker_notes
),

assignments as (
    select
        open_clients.*,
        ranked_workers.worker_id
    from open_clients
    left join ranked_workers
        on ranked_workers.person_id = open_clients.person_id
        and ranked_workers.as_of_date = open_clients.as_of_date
        and ranked_workers.worker_rank = 1
),

caseloads as (
    select
        as_of_date,
        worker_id,
        count(*) as open_clients,
        count(case when grade = 'green' then 1 end) as green_clients,
        count(case when grade = 'amber' then 1 end) as amber_clients,
        count(case when grade = 'red' then 1 end) as red_clients
    from assignments
    group by as_of_date, worker_id
),

note_sites as (
    -- a worker's site: where they wrote most of their notes
    select
        author_id,
        site,
        row_number() over (partition by author_id order by count(*) desc, site) as site_rank
    from case_notes
    where author_id is not null
    group by author_id, site
),

norms as (
    select
        as_of_date,
        count(*) as assigned_workers,
        percentile_cont(0.5) within group (order by open_clients) as agency_median_caseload
    from caseloads
    where worker_id is not null
    group by as_of_date
),

final as (
    select
        {{ dbt.concat([as_text('caseloads.as_of_date'), "'|'", "coalesce(caseloads.worker_id, 'unassigned')"]) }} as caseload_key,
        caseloads.as_of_date,
        caseloads.worker_id,
        note_sites.site as worker_site,
        caseloads.open_clients,
        caseloads.green_clients,
        caseloads.amber_clients,
        caseloads.red_clients,
        norms.assigned_workers,
        norms.agency_median_caseload,
        case
            when caseloads.worker_id is not null and norms.agency_median_caseload > 0
                then caseloads.open_clients / norms.agency_median_caseload
        end as caseload_ratio
    from caseloads
    left join norms
        on norms.as_of_date = caseloads.as_of_date
    left join note_sites
        on note_sites.author_id = caseloads.worker_id
        and note_sites.site_rank = 1
)

select * from final
