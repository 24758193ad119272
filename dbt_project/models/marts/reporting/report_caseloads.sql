{#
    Caseloads per worker at every as-of date of the history (report_client_workers assigns
    each open client to a worker, or none). The agency norm is the median caseload of the
    assigned workers on that date.
#}
with assignments as (
    select * from {{ ref('report_client_workers') }}
),

case_notes as (
    select * from {{ ref('stg_notes__case_notes') }}
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
