{#
    Every captured reason-for-stall, placed in the rubric's stall-reason taxonomy:
    - milestone: a milestone recorded `stalled` with a stall_reason; the text goes to the
      first cluster (lowest ordinal) with a phrase it contains, case-insensitive;
    - note: a case-note finding of category `stall_reason`; its label is a taxonomy key.
    Anything that matches no cluster is `other`. The reason text stays in staging: rows here
    reference it (source_key, and quote_start/quote_end for a note).
#}
with milestones as (
    select * from {{ ref('stg_plans__milestones') }}
),

note_findings as (
    select * from {{ ref('int_note_findings') }}
),

stall_phrases as (
    select * from {{ ref('stg_rubric__stall_reasons') }}
),

record_links as (
    select * from {{ ref('int_record_links') }}
),

clusters as (
    select
        cluster_key,
        min(cluster_label) as cluster_label
    from stall_phrases
    group by cluster_key
),

captured_reasons as (
    select
        record_links.person_id,
        milestones.status_date as reason_date,
        milestones.stall_reason,
        milestones.site,
        milestones.milestone_key,
        milestones._load_id,
        milestones._source_file,
        milestones._source_row
    from milestones
    inner join record_links
        on record_links.record_key = milestones.record_key
    where milestones.status = 'stalled'
        and milestones.stall_reason is not null
),

phrase_matches as (
    -- the first cluster in the rubric whose phrase the captured text contains
    select
        captured_reasons.milestone_key,
        stall_phrases.cluster_key,
        stall_phrases.cluster_label,
        row_number() over (
            partition by captured_reasons.milestone_key
            order by stall_phrases.ordinal, stall_phrases.phrase
        ) as match_rank
    from captured_reasons
    inner join stall_phrases
        on {{ dbt.position('stall_phrases.phrase', 'lower(captured_reasons.stall_reason)') }} > 0
),

milestone_reasons as (
    select
        {{ dbt.concat(["'milestone:'", 'captured_reasons.milestone_key']) }} as stall_reason_key,
        captured_reasons.person_id,
        captured_reasons.reason_date,
        'milestone' as reason_source,
        coalesce(phrase_matches.cluster_key, {{ other_stall_cluster_key() }}) as cluster_key,
        coalesce(phrase_matches.cluster_label, {{ other_stall_cluster_label() }}) as cluster_label,
        captured_reasons.site,
        'stg_plans__milestones' as source_model,
        captured_reasons.milestone_key as source_key,
        cast(null as {{ dbt.type_int() }}) as quote_start,
        cast(null as {{ dbt.type_int() }}) as quote_end,
        captured_reasons._load_id,
        captured_reasons._source_file,
        captured_reasons._source_row
    from captured_reasons
    left join phrase_matches
        on phrase_matches.milestone_key = captured_reasons.milestone_key
        and phrase_matches.match_rank = 1
),

note_reasons as (
    select
        {{ dbt.concat(["'note:'", 'note_findings.finding_key']) }} as stall_reason_key,
        note_findings.person_id,
        note_findings.note_date as reason_date,
        'note' as reason_source,
        coalesce(clusters.cluster_key, {{ other_stall_cluster_key() }}) as cluster_key,
        coalesce(clusters.cluster_label, {{ other_stall_cluster_label() }}) as cluster_label,
        note_findings.site,
        'stg_notes__case_notes' as source_model,
        note_findings.note_key as source_key,
        note_findings.quote_start,
        note_findings.quote_end,
        note_findings._load_id,
        note_findings._source_file,
        note_findings._source_row
    from note_findings
    left join clusters
        on clusters.cluster_key = note_findings.label
    where note_findings.category = 'stall_reason'
),

unioned as (
    select * from milestone_reasons
    union all
    select * from note_reasons
)

select * from unioned
