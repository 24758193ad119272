{#
    Case-note findings that currently stand, placed on the note's person and date. A note can
    be scored more than once (a new rubric version, another model, or edited text): only the
    findings of its most recent scoring count. The quote itself stays in staging; here it is
    a reference (note_key + quote_start/quote_end).
#}
with findings as (
    select * from {{ ref('stg_scoring__note_findings') }}
),

case_notes as (
    select * from {{ ref('stg_notes__case_notes') }}
),

record_links as (
    select * from {{ ref('int_record_links') }}
),

scorings as (
    -- one row per scoring of a note: (note text hash, rubric, rubric version, model)
    select
        note_key,
        note_sha256,
        rubric_name,
        rubric_version,
        model,
        max(scored_at) as scored_at
    from findings
    group by note_key, note_sha256, rubric_name, rubric_version, model
),

latest_scoring as (
    select
        scorings.*,
        row_number() over (
            partition by note_key, rubric_name
            order by scored_at desc nulls last, rubric_version desc, model desc, note_sha256 desc
        ) as scoring_rank
    from scorings
),

current_findings as (
    select
        findings.*,
        row_number() over (
            partition by findings.note_key
            order by findings.category, findings.label, findings.quote_start, findings.quote_end
        ) as finding_number
    from findings
    inner join latest_scoring
        on latest_scoring.note_key = findings.note_key
        and latest_scoring.note_sha256 = findings.note_sha256
        and latest_scoring.rubric_name = findings.rubric_name
        and latest_scoring.rubric_version = findings.rubric_version
        and latest_scoring.model = findings.model
        and latest_scoring.scoring_rank = 1
),

placed as (
    select
        {{ dbt.concat(['current_findings.note_key', "'#'", 'cast(current_findings.finding_number as ' ~ dbt.type_string() ~ ')']) }} as finding_key,
        record_links.person_id,
        case_notes.note_date,
        current_findings.category,
        current_findings.label,
        current_findings.level,
        current_findings.site,
        current_findings.note_id,
        current_findings.note_key,
        current_findings.quote_start,
        current_findings.quote_end,
        current_findings.rubric_name,
        current_findings.rubric_version,
        current_findings.model,
        current_findings.scored_at,
        case_notes._load_id,
        case_notes._source_file,
        case_notes._source_row
    from current_findings
    inner join case_notes
        on case_notes.note_key = current_findings.note_key
    inner join record_links
        on record_links.record_key = case_notes.record_key
)

select * from placed
