{#
    Stall reasons recorded over time: one row per as-of date of the history x site x
    program x reason cluster, counting the reasons recorded (captured on a milestone or
    found in a case note) from the start of that date's month to that date. Program is the
    person's program on that date (or `No open enrollment`); site is the person's site then,
    else the site that recorded the reason.
#}
with as_of_dates as (
    select * from {{ ref('int_as_of_dates') }}
),

reasons as (
    select * from {{ ref('int_stall_reason_events') }}
),

history as (
    select * from {{ ref('client_momentum_history') }}
),

placed as (
    select
        as_of_dates.as_of_month,
        as_of_dates.as_of_date,
        reasons.person_id,
        reasons.reason_source,
        reasons.cluster_key,
        reasons.cluster_label,
        coalesce(history.site, reasons.site) as site,
        case
            when history.grade is null or history.grade = 'closed' then 'No open enrollment'
            else history.program
        end as program
    from reasons
    inner join as_of_dates
        on reasons.reason_date >= as_of_dates.as_of_month
        and reasons.reason_date <= as_of_dates.as_of_date
    left join history
        on history.person_id = reasons.person_id
        and history.as_of_date = as_of_dates.as_of_date
),

counted as (
    select
        as_of_month,
        as_of_date,
        site,
        program,
        cluster_key,
        cluster_label,
        count(*) as reasons,
        count(distinct person_id) as people,
        count(case when reason_source = 'milestone' then 1 end) as captured_reasons,
        count(case when reason_source = 'note' then 1 end) as note_reasons
    from placed
    group by as_of_month, as_of_date, site, program, cluster_key, cluster_label
),

keyed as (
    select
        {{ dbt.concat([as_text('as_of_date'), "'|'", 'site', "'|'", 'program', "'|'", 'cluster_key']) }} as trend_key,
        counted.*
    from counted
)

select * from keyed
