{#
    Why stalled people stalled, as of the as-of date: the most recent captured stall_reason
    on a milestone, else the most recent stall_reason case-note finding, else nothing
    (`other`, reason_source `none`). Only references to the reason's source, never its text.
#}
with momentum as (
    select * from {{ ref('client_momentum') }}
),

reasons as (
    select * from {{ ref('int_stall_reason_events') }}
),

stalled as (
    select * from momentum
    where grade = 'red'
),

ranked_reasons as (
    -- milestones before notes, then the most recent
    select
        reasons.*,
        row_number() over (
            partition by reasons.person_id
            order by
                case reasons.reason_source when 'milestone' then 0 else 1 end,
                reasons.reason_date desc,
                reasons.stall_reason_key desc
        ) as reason_rank
    from reasons
    inner join stalled
        on stalled.person_id = reasons.person_id
        and reasons.reason_date <= stalled.as_of_date
),

final as (
    select
        stalled.person_id,
        stalled.as_of_date,
        stalled.site,
        stalled.program,
        stalled.movement_clock_start,
        stalled.months_since_movement,
        coalesce(ranked_reasons.cluster_key, {{ unrecorded_stall_cluster_key() }}) as reason_cluster_key,
        coalesce(ranked_reasons.cluster_label, {{ unrecorded_stall_cluster_label() }}) as reason_cluster_label,
        coalesce(ranked_reasons.reason_source, 'none') as reason_source,
        ranked_reasons.reason_date,
        ranked_reasons.stall_reason_key,
        ranked_reasons.site as reason_site,
        ranked_reasons.source_model as reason_source_model,
        ranked_reasons.source_key as reason_source_key,
        ranked_reasons.quote_start as reason_quote_start,
        ranked_reasons.quote_end as reason_quote_end,
        ranked_reasons._load_id as reason_load_id,
        ranked_reasons._source_file as reason_source_file,
        ranked_reasons._source_row as reason_source_row
    from stalled
    left join ranked_reasons
        on ranked_reasons.person_id = stalled.person_id
        and ranked_reasons.reason_rank = 1
)

select * from final
