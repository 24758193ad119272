{#
    The Unusual report: one row per flag raised as of the as-of date, each with the sentence
    saying why and the source row behind it. Thresholds come from rubrics/reports.yaml
    (report_rules). Against the client's own history: contact frequency dropping sharply, a
    screen getting worse, a stay far longer than their earlier ones. Against the caseload: a
    stay far longer than the program's median, a worker's caseload far from the agency's
    median. From the notes: risk findings, and text addressed to the reader (a data-integrity
    event for the data steward, kept apart from client risks). Impossible readings that reached the warehouse:
    services dated after their enrollment's exit. (Rows the data contracts rejected, such as
    an exit before its entry, are in quarantine and listed by the report beside these.)
#}
with momentum as (
    select * from {{ ref('client_momentum') }}
),

touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

screen_scores as (
    select * from {{ ref('report_screen_scores') }}
),

enrollments as (
    select * from {{ ref('int_enrollments') }}
),

caseloads as (
    select * from {{ ref('report_caseloads') }}
),

note_findings as (
    select * from {{ ref('int_note_findings') }}
),

services as (
    select * from {{ ref('stg_hmis__services') }}
),

rules as (
    select * from {{ ref('report_rules') }}
),

open_clients as (
    select * from momentum
    where grade <> 'closed'
),

contact_counts as (
    -- contacts in the recent window and in the baseline window just before it
    select
        open_clients.person_id,
        open_clients.as_of_date,
        open_clients.site,
        open_clients.program,
        open_clients.last_contact_key,
        rules.contact_drop_recent_days,
        rules.contact_drop_baseline_days,
        rules.contact_drop_share,
        rules.contact_drop_min_expected,
        count(case
            when touchpoints.event_date > {{ add_days('open_clients.as_of_date', '-1 * rules.contact_drop_recent_days') }}
                and touchpoints.event_date <= open_clients.as_of_date
                then 1
        end) as recent_contacts,
        count(case
            when touchpoints.event_date > {{ add_days('open_clients.as_of_date', '-1 * (rules.contact_drop_recent_days + rules.contact_drop_baseline_days)') }}
                and touchpoints.event_date <= {{ add_days('open_clients.as_of_date', '-1 * rules.contact_drop_recent_days') }}
                then 1
        end) as baseline_contacts
    from open_clients
    cross join rules
    left join touchpoints
        on touchpoints.person_id = open_clients.person_id
    group by
        open_clients.person_id,
        open_clients.as_of_date,
        open_clients.site,
        open_clients.program,
        open_clients.last_contact_key,
        rules.contact_drop_recent_days,
        rules.contact_drop_baseline_days,
        rules.contact_drop_share,
        rules.contact_drop_min_expected
),

contact_expectations as (
    select
        contact_counts.*,
        round(baseline_contacts * 1.0 * contact_drop_recent_days / contact_drop_baseline_days, 1) as expected_contacts
    from contact_counts
),

contact_drops as (
    select
        'contact_drop' as anomaly_kind,
        'Contact frequency dropped' as anomaly_label,
        contact_expectations.person_id,
        cast(null as {{ dbt.type_string() }}) as worker_id,
        contact_expectations.site,
        contact_expectations.program,
        contact_expectations.as_of_date as flagged_date,
        cast(contact_expectations.recent_contacts as {{ dbt.type_float() }}) as observed_value,
        cast(contact_expectations.expected_contacts as {{ dbt.type_float() }}) as expected_value,
        {{ dbt.concat([
            as_text('contact_expectations.recent_contacts'), "' contacts in the last '",
            as_text('contact_expectations.contact_drop_recent_days'), "' days, against about '",
            as_text('contact_expectations.expected_contacts'), "' expected from the '",
            as_text('contact_expectations.baseline_contacts'), "' contacts in the '",
            as_text('contact_expectations.contact_drop_baseline_days'), "' days before'"
        ]) }} as why,
        touchpoints.source_model as evidence_source_model,
        touchpoints.source_key as evidence_source_key,
        touchpoints._load_id as evidence_load_id,
        touchpoints._source_file as evidence_source_file,
        touchpoints._source_row as evidence_source_row,
        contact_expectations.person_id as subject_key
    from contact_expectations
    left join touchpoints
        on touchpoints.touchpoint_key = contact_expectations.last_contact_key
    where contact_expectations.expected_contacts >= contact_expectations.contact_drop_min_expected
        and contact_expectations.recent_contacts <= contact_expectations.contact_drop_share * contact_expectations.expected_contacts
),

screen_worsened as (
    select
        'screen_worsened' as anomaly_kind,
        'Screen score worsened' as anomaly_label,
        open_clients.person_id,
        cast(null as {{ dbt.type_string() }}) as worker_id,
        open_clients.site,
        open_clients.program,
        screen_scores.screen_date as flagged_date,
        cast(screen_scores.total_score as {{ dbt.type_float() }}) as observed_value,
        cast(screen_scores.previous_total_score as {{ dbt.type_float() }}) as expected_value,
        {{ dbt.concat([
            'screen_scores.instrument', "' rose from '", as_text('screen_scores.previous_total_score'),
            "' to '", as_text('screen_scores.total_score'), "' on '", as_text('screen_scores.screen_date'),
            "' (worse by '", as_text('screen_scores.score_change'), "'; the minimal important change is '",
            as_text('screen_scores.minimal_change'), "')'"
        ]) }} as why,
        'stg_screens__screens' as evidence_source_model,
        screen_scores.screen_key as evidence_source_key,
        screen_scores._load_id as evidence_load_id,
        screen_scores._source_file as evidence_source_file,
        screen_scores._source_row as evidence_source_row,
        screen_scores.screen_key as subject_key
    from screen_scores
    inner join open_clients
        on open_clients.person_id = screen_scores.person_id
    cross join rules
    where screen_scores.score_change >= screen_scores.minimal_change
        and screen_scores.screen_date <= open_clients.as_of_date
        and screen_scores.screen_date > {{ add_days('open_clients.as_of_date', '-1 * rules.screen_lookback_days') }}
),

as_of as (
    select max(as_of_date) as as_of_date from momentum
),

stays as (
    -- every stay begun by the as-of date: a completed stay to its exit, an open one to today
    select
        enrollments.person_id,
        enrollments.project_type,
        enrollments.exit_date is not null and enrollments.exit_date <= as_of.as_of_date as is_completed,
        {{ days_between('enrollments.entry_date', 'case when enrollments.exit_date is not null and enrollments.exit_date <= as_of.as_of_date then enrollments.exit_date else as_of.as_of_date end') }} as stay_days
    from enrollments
    cross join as_of
    where enrollments.entry_date <= as_of.as_of_date
),

program_norms as (
    select
        project_type,
        count(*) as program_stays,
        percentile_cont(0.5) within group (order by stay_days) as median_stay_days
    from stays
    group by project_type
),

own_history as (
    select
        person_id,
        max(stay_days) as longest_stay_days
    from stays
    where is_completed
    group by person_id
),

open_stays as (
    select
        enrollments.*,
        open_clients.as_of_date,
        {{ days_between('enrollments.entry_date', 'open_clients.as_of_date') }} as stay_days
    from enrollments
    inner join open_clients
        on open_clients.person_id = enrollments.person_id
    where enrollments.entry_date <= open_clients.as_of_date
        and (enrollments.exit_date is null or enrollments.exit_date > open_clients.as_of_date)
),

compared_stays as (
    select
        open_stays.*,
        program_norms.median_stay_days,
        own_history.longest_stay_days,
        rules.length_of_stay_ratio,
        case
            when program_norms.program_stays >= rules.min_program_stays
                and open_stays.stay_days >= rules.length_of_stay_ratio * program_norms.median_stay_days
                then 'program'
            when own_history.longest_stay_days > 0
                and open_stays.stay_days >= rules.length_of_stay_ratio * own_history.longest_stay_days
                then 'own'
        end as compared_with
    from open_stays
    cross join rules
    left join program_norms
        on program_norms.project_type = open_stays.project_type
    left join own_history
        on own_history.person_id = open_stays.person_id
),

long_stays as (
    select
        'long_stay' as anomaly_kind,
        'Length of stay doubled' as anomaly_label,
        person_id,
        cast(null as {{ dbt.type_string() }}) as worker_id,
        site,
        project_type_name as program,
        entry_date as flagged_date,
        cast(stay_days as {{ dbt.type_float() }}) as observed_value,
        cast(case when compared_with = 'program' then median_stay_days else longest_stay_days end as {{ dbt.type_float() }}) as expected_value,
        case compared_with
            when 'program' then {{ dbt.concat([
                "'Open '", as_text('stay_days'), "' days in '", 'project_type_name', "' (entered '",
                as_text('entry_date'), "'): at least '", as_text('length_of_stay_ratio'),
                "' times the program''s median stay of '", as_text('cast(median_stay_days as ' ~ dbt.type_int() ~ ')'), "' days'"
            ]) }}
            else {{ dbt.concat([
                "'Open '", as_text('stay_days'), "' days in '", 'project_type_name', "' (entered '",
                as_text('entry_date'), "'): at least '", as_text('length_of_stay_ratio'),
                "' times the client''s own longest earlier stay of '", as_text('longest_stay_days'), "' days'"
            ]) }}
        end as why,
        'stg_hmis__enrollments' as evidence_source_model,
        enrollment_key as evidence_source_key,
        _load_id as evidence_load_id,
        _source_file as evidence_source_file,
        _source_row as evidence_source_row,
        enrollment_key as subject_key
    from compared_stays
    where compared_with is not null
),

caseload_drift as (
    select
        'caseload_drift' as anomaly_kind,
        'Caseload far from the agency norm' as anomaly_label,
        cast(null as {{ dbt.type_string() }}) as person_id,
        caseloads.worker_id,
        caseloads.worker_site as site,
        cast(null as {{ dbt.type_string() }}) as program,
        caseloads.as_of_date as flagged_date,
        cast(caseloads.open_clients as {{ dbt.type_float() }}) as observed_value,
        cast(caseloads.agency_median_caseload as {{ dbt.type_float() }}) as expected_value,
        {{ dbt.concat([
            "'Worker '", 'caseloads.worker_id', "' has '", as_text('caseloads.open_clients'),
            "' open clients; the agency median is '", as_text('caseloads.agency_median_caseload'),
            "case when caseloads.caseload_ratio >= rules.caseload_high_ratio then ' (at least ' else ' (at most ' end",
            "case when caseloads.caseload_ratio >= rules.caseload_high_ratio then " ~ as_text('rules.caseload_high_ratio') ~ " else " ~ as_text('rules.caseload_low_ratio') ~ " end",
            "' times the median)'"
        ]) }} as why,
        cast(null as {{ dbt.type_string() }}) as evidence_source_model,
        cast(null as {{ dbt.type_string() }}) as evidence_source_key,
        cast(null as {{ dbt.type_string() }}) as evidence_load_id,
        cast(null as {{ dbt.type_string() }}) as evidence_source_file,
        cast(null as {{ dbt.type_int() }}) as evidence_source_row,
        caseloads.worker_id as subject_key
    from caseloads
    inner join as_of
        on as_of.as_of_date = caseloads.as_of_date
    cross join rules
    where caseloads.worker_id is not null
        and (
            caseloads.caseload_ratio >= rules.caseload_high_ratio
            or caseloads.caseload_ratio <= rules.caseload_low_ratio
        )
),

risk_notes as (
    -- one flag per note and risk label, however many sentences the reader cited
    select
        note_findings.person_id,
        note_findings.note_key,
        note_findings.note_date,
        note_findings.label,
        note_findings._load_id,
        note_findings._source_file,
        note_findings._source_row
    from note_findings
    where note_findings.category = 'risk'
    group by
        note_findings.person_id,
        note_findings.note_key,
        note_findings.note_date,
        note_findings.label,
        note_findings._load_id,
        note_findings._source_file,
        note_findings._source_row
),

risk_findings as (
    select
        -- text addressed to the reader is a data-integrity event for the data steward,
        -- not a risk to the client
        case when risk_notes.label = 'prompt_injection' then 'note_integrity'
            else 'risk_finding' end as anomaly_kind,
        case when risk_notes.label = 'prompt_injection' then 'Note addressed to the reader'
            else 'Risk noted in a case note' end as anomaly_label,
        momentum.person_id,
        cast(null as {{ dbt.type_string() }}) as worker_id,
        momentum.site,
        momentum.program,
        risk_notes.note_date as flagged_date,
        cast(null as {{ dbt.type_float() }}) as observed_value,
        cast(null as {{ dbt.type_float() }}) as expected_value,
        case when risk_notes.label = 'prompt_injection' then {{ dbt.concat([
            "'The note of '", as_text('risk_notes.note_date'),
            "' holds text addressed to the reader, not about the client: no progress was taken from it; check who wrote it'"
        ]) }} else {{ dbt.concat([
            "'The case-note reader found a risk ('", "replace(risk_notes.label, '_', ' ')",
            "') in the note of '", as_text('risk_notes.note_date')
        ]) }} end as why,
        'stg_notes__case_notes' as evidence_source_model,
        risk_notes.note_key as evidence_source_key,
        risk_notes._load_id as evidence_load_id,
        risk_notes._source_file as evidence_source_file,
        risk_notes._source_row as evidence_source_row,
        {{ dbt.concat(['risk_notes.note_key', "':'", 'risk_notes.label']) }} as subject_key
    from risk_notes
    inner join momentum
        on momentum.person_id = risk_notes.person_id
    cross join rules
    where risk_notes.note_date <= momentum.as_of_date
        and risk_notes.note_date > {{ add_days('momentum.as_of_date', '-1 * rules.risk_lookback_days') }}
),

services_after_exit as (
    select
        'service_after_exit' as anomaly_kind,
        'Service after exit' as anomaly_label,
        enrollments.person_id,
        cast(null as {{ dbt.type_string() }}) as worker_id,
        services.site,
        enrollments.project_type_name as program,
        services.date_provided as flagged_date,
        cast(null as {{ dbt.type_float() }}) as observed_value,
        cast(null as {{ dbt.type_float() }}) as expected_value,
        {{ dbt.concat([
            "'A service dated '", as_text('services.date_provided'), "' is recorded on the '",
            'enrollments.project_type_name', "' stay that exited on '", as_text('enrollments.exit_date')
        ]) }} as why,
        'stg_hmis__services' as evidence_source_model,
        services.service_key as evidence_source_key,
        services._load_id as evidence_load_id,
        services._source_file as evidence_source_file,
        services._source_row as evidence_source_row,
        services.service_key as subject_key
    from services
    inner join enrollments
        on enrollments.enrollment_key = services.enrollment_key
    where enrollments.exit_date is not null
        and services.date_provided > enrollments.exit_date
),

unioned as (
    select * from contact_drops
    union all
    select * from screen_worsened
    union all
    select * from long_stays
    union all
    select * from caseload_drift
    union all
    select * from risk_findings
    union all
    select * from services_after_exit
),

final as (
    select
        {{ dbt.concat(['unioned.anomaly_kind', "':'", 'unioned.subject_key']) }} as anomaly_key,
        as_of.as_of_date,
        unioned.anomaly_kind,
        unioned.anomaly_label,
        unioned.person_id,
        unioned.worker_id,
        unioned.site,
        unioned.program,
        unioned.flagged_date,
        unioned.observed_value,
        unioned.expected_value,
        unioned.why,
        unioned.evidence_source_model,
        unioned.evidence_source_key,
        unioned.evidence_load_id,
        unioned.evidence_source_file,
        unioned.evidence_source_row
    from unioned
    cross join as_of
)

select * from final
