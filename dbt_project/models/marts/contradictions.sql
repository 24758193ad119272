{#
    A client whose answers say fine while the case notes say otherwise: a survey answering
    "stably housed" near a note stating housing loss, "employed" near a note stating job
    loss, a validated screen improving near a note describing a crisis (a safeguarding or
    escalation risk, a mental-health or substance-use barrier). "Near" is within
    `contradiction_window_days` (rubrics/reports.yaml) either side. One row per claim and
    note, citing both sides by source row; the note side by finding and quote offsets.
#}
with surveys as (
    select * from {{ ref('stg_surveys__responses') }}
),

record_links as (
    select * from {{ ref('int_record_links') }}
),

note_findings as (
    select * from {{ ref('int_note_findings') }}
),

screen_scores as (
    select * from {{ ref('report_screen_scores') }}
),

rules as (
    select * from {{ ref('report_rules') }}
),

survey_answers as (
    -- the answers a note can contradict
    select 'housed_vs_housing_loss' as contradiction_kind, 'stably housed' as answer
    union all
    select 'employed_vs_job_loss' as contradiction_kind, 'employed' as answer
),

claims as (
    select
        survey_answers.contradiction_kind,
        record_links.person_id,
        surveys.site,
        surveys.submitted_date as claim_date,
        {{ dbt.concat(["coalesce(surveys.survey_type, 'survey')", "' survey: '", 'survey_answers.answer']) }} as claim,
        'stg_surveys__responses' as claim_source_model,
        surveys.record_key as claim_source_key,
        surveys._load_id as claim_load_id,
        surveys._source_file as claim_source_file,
        surveys._source_row as claim_source_row
    from surveys
    inner join record_links
        on record_links.record_key = surveys.record_key
    inner join survey_answers
        on (survey_answers.contradiction_kind = 'housed_vs_housing_loss' and surveys.housing_status = 'stably_housed')
        or (survey_answers.contradiction_kind = 'employed_vs_job_loss' and surveys.is_employed)

    union all

    select
        'screen_improved_vs_crisis' as contradiction_kind,
        screen_scores.person_id,
        screen_scores.site,
        screen_scores.screen_date as claim_date,
        {{ dbt.concat([
            'screen_scores.instrument', "' improved from '", as_text('screen_scores.previous_total_score'),
            "' to '", as_text('screen_scores.total_score')
        ]) }} as claim,
        'stg_screens__screens' as claim_source_model,
        screen_scores.screen_key as claim_source_key,
        screen_scores._load_id as claim_load_id,
        screen_scores._source_file as claim_source_file,
        screen_scores._source_row as claim_source_row
    from screen_scores
    where screen_scores.score_change <= -1 * screen_scores.minimal_change
),

contradicting_findings as (
    select
        note_findings.*,
        case
            when note_findings.label = 'housing_loss' then 'housed_vs_housing_loss'
            when note_findings.label = 'job_loss' then 'employed_vs_job_loss'
            else 'screen_improved_vs_crisis'
        end as contradiction_kind
    from note_findings
    where (note_findings.category in ('risk', 'stall_reason') and note_findings.label = 'housing_loss')
        or (note_findings.category = 'risk' and note_findings.label in ('job_loss', 'safeguarding', 'escalation'))
        or (note_findings.category = 'stall_reason' and note_findings.label in ('mental_health', 'substance_use'))
),

paired as (
    select
        claims.*,
        contradicting_findings.finding_key,
        contradicting_findings.note_key,
        contradicting_findings.note_date,
        contradicting_findings.category as note_category,
        contradicting_findings.label as note_label,
        contradicting_findings.quote_start,
        contradicting_findings.quote_end,
        contradicting_findings._load_id as note_load_id,
        contradicting_findings._source_file as note_source_file,
        contradicting_findings._source_row as note_source_row,
        {{ dbt.datediff('claims.claim_date', 'contradicting_findings.note_date', 'day') }} as days_from_claim,
        row_number() over (
            partition by claims.contradiction_kind, claims.claim_source_key, contradicting_findings.note_key
            order by contradicting_findings.category, contradicting_findings.label, contradicting_findings.finding_key
        ) as finding_rank
    from claims
    inner join contradicting_findings
        on contradicting_findings.person_id = claims.person_id
        and contradicting_findings.contradiction_kind = claims.contradiction_kind
    cross join rules
    where contradicting_findings.note_date
        between {{ add_days('claims.claim_date', '-1 * rules.contradiction_window_days') }}
        and {{ add_days('claims.claim_date', 'rules.contradiction_window_days') }}
)

select
    {{ dbt.concat(['contradiction_kind', "':'", 'claim_source_key', "':'", 'note_key']) }} as contradiction_key,
    contradiction_kind,
    person_id,
    site,
    claim_date,
    claim,
    claim_source_model,
    claim_source_key,
    claim_load_id,
    claim_source_file,
    claim_source_row,
    note_date,
    days_from_claim,
    note_category,
    note_label,
    note_key,
    finding_key,
    quote_start,
    quote_end,
    note_load_id,
    note_source_file,
    note_source_row
from paired
where finding_rank = 1
