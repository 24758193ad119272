{#
    Each open client's worker at every as-of date of the history: the worker who wrote the
    most contact notes for them in the `caseload_window_days` before that date (ties: the
    latest note, then the worker id); a client with no contact note in the window is
    unassigned (worker_id null). Caseloads and the action lists by worker read this.
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

final as (
    select
        {{ dbt.concat([as_text('open_clients.as_of_date'), "'|'", 'open_clients.person_id']) }} as client_worker_key,
        open_clients.person_id,
        open_clients.as_of_date,
        open_clients.grade,
        ranked_workers.worker_id,
        ranked_workers.contact_notes,
        ranked_workers.last_note_date
    from open_clients
    left join ranked_workers
        on ranked_workers.person_id = open_clients.person_id
        and ranked_workers.as_of_date = open_clients.as_of_date
        and ranked_workers.worker_rank = 1
)

select * from final
