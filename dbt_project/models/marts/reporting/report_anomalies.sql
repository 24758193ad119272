{#
    The Unusual report: one row per flag raised as of the as-of date, each with the sentence
    saying why and the source row behind it. Thresholds come from rubrics/reports.yaml
    (report_rules). Against the client's own history: contact frequency dropping sharply, a
    screen getting worse. Against the caseload: a stay among the longest of its program and
    far longer than the program's median (or than the client's own earlier stays in that
    kind of program), a worker's caseload far from the agency's median. From the notes: risk
    findings, and text addressed to the reader (a data-integrity event for the data steward,
    kept apart from client risks). Impossible readings that reached the warehouse, for the
    data steward: services dated after their enrollment's exit, records updated before they
    were created, records stamped after their export was made (more than the clock tolerance
    after it is impossible; within it, a clock or time-zone mismatch to check). (Rows the
    data contracts rejected, such as an exit before its entry, are in quarantine and listed
    by the report beside these.) `extremity` ranks the flags of one kind, most extreme first.
#}
-- depends_on: {{ ref('hud_spm_project_types') }}
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

stamps as (
    select * from {{ ref('int_hmis_audit_stamps') }}
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
        {{ source_citation(alias='touchpoints', prefix='evidence') }},
        contact_expectations.person_id as subject_key,
        cast(null as {{ type_double() }}) as extremity
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
        {{ source_citation('stg_screens__screens', 'screen_key', alias='screen_scores', prefix='evidence') }},
        screen_scores.screen_key as subject_key,
        cast(null as {{ type_double() }}) as extremity
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
    -- the client's longest completed stay in the same kind of program: a month in a shelter
    -- says nothing about how long a transitional-housing stay should last
    select
        person_id,
        project_type,
        max(stay_days) as longest_stay_days
    from stays
    where is_completed
    group by person_id, project_type
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
        -- permanent housing other than rapid re-housing has no planned end (HUD measures
        -- its retention, SPM 7b2): a long stay there is the goal, not a warning
        and not {{ in_project_types('coalesce(enrollments.project_type, -1)', 'ph_other_than_rrh') }}
),

ranked_stays as (
    -- where each open stay stands among its program's open stays: its rank by length and
    -- how many are at least as long (ties included)
    select
        open_stays.*,
        count(*) over (partition by open_stays.project_type) as program_open_stays,
        rank() over (partition by open_stays.project_type order by open_stays.stay_days desc) as length_rank,
        count(*) over (partition by open_stays.project_type order by open_stays.stay_days desc) as stays_at_least_as_long
    from open_stays
),

compared_stays as (
    select
        ranked_stays.*,
        program_norms.median_stay_days,
        own_history.longest_stay_days,
        rules.length_of_stay_ratio,
        rules.length_of_stay_max_share,
        case
            when program_norms.program_stays >= rules.min_program_stays
                and ranked_stays.stay_days >= rules.length_of_stay_ratio * program_norms.median_stay_days
                then 'program'
            when own_history.longest_stay_days > 0
                and ranked_stays.stay_days >= rules.length_of_stay_ratio * own_history.longest_stay_days
                then 'own'
        end as compared_with
    from ranked_stays
    cross join rules
    left join program_norms
        on program_norms.project_type = ranked_stays.project_type
    left join own_history
        on own_history.person_id = ranked_stays.person_id
        and own_history.project_type = ranked_stays.project_type
),

long_stays as (
    -- only the longest stays of a program: at most length_of_stay_max_share of its open
    -- stays, rounded up so a small program's longest stay can still be flagged; a long
    -- program does not fill the report with its ordinary long tail
    select
        'long_stay' as anomaly_kind,
        'Stay among the longest of its program' as anomaly_label,
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
                as_text('entry_date'), "'), ranked '", as_text('length_rank'), "' of its program''s '",
                as_text('program_open_stays'), "' open stays by length: '", as_text('round(cast(stay_days / median_stay_days as numeric), 1)'),
                "' times the median stay of '", as_text('cast(median_stay_days as ' ~ dbt.type_int() ~ ')'), "' days'"
            ]) }}
            else {{ dbt.concat([
                "'Open '", as_text('stay_days'), "' days in '", 'project_type_name', "' (entered '",
                as_text('entry_date'), "'), ranked '", as_text('length_rank'), "' of its program''s '",
                as_text('program_open_stays'), "' open stays by length: at least '", as_text('length_of_stay_ratio'),
                "' times the client''s own longest earlier stay in this kind of program, '", as_text('longest_stay_days'), "' days'"
            ]) }}
        end as why,
        {{ source_citation('stg_hmis__enrollments', 'enrollment_key', prefix='evidence') }},
        enrollment_key as subject_key,
        -- times the program's median, whichever comparison raised it: one scale for the kind
        cast(stay_days / nullif(median_stay_days, 0) as {{ type_double() }}) as extremity
    from compared_stays
    where compared_with is not null
        and stays_at_least_as_long <= ceil(length_of_stay_max_share * program_open_stays)
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
        caseloads.worker_id as subject_key,
        cast(null as {{ type_double() }}) as extremity
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
        {{ source_citation('stg_notes__case_notes', 'note_key', alias='risk_notes', prefix='evidence') }},
        {{ dbt.concat(['risk_notes.note_key', "':'", 'risk_notes.label']) }} as subject_key,
        cast(null as {{ type_double() }}) as extremity
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
        {{ source_citation('stg_hmis__services', 'service_key', alias='services', prefix='evidence') }},
        services.service_key as subject_key,
        cast(null as {{ type_double() }}) as extremity
    from services
    inner join enrollments
        on enrollments.enrollment_key = services.enrollment_key
    where enrollments.exit_date is not null
        and services.date_provided > enrollments.exit_date
),

stamp_gaps as (
    -- each record's latest stamp, and whether it runs past its export by more than the
    -- clock tolerance
    select
        stamps.*,
        greatest(coalesce(stamps.date_created, stamps.date_updated), coalesce(stamps.date_updated, stamps.date_created)) as latest_stamp,
        greatest(coalesce(stamps.date_created, stamps.date_updated), coalesce(stamps.date_updated, stamps.date_created))
            > {{ dbt.dateadd('hour', 'rules.export_clock_tolerance_hours', 'stamps.exported_at') }} as is_beyond_tolerance,
        {{ as_text('cast(rules.export_clock_tolerance_hours as ' ~ dbt.type_int() ~ ')') }} as tolerance_hours_text,
        {{ dbt.concat(["case stamps.exported_at_from when 'ExportDate' then 'ExportDate ' else 'loaded ' end", as_text('stamps.exported_at')]) }} as exported_text
    from stamps
    cross join rules
),

stamp_readings as (
    -- after the export: beyond the tolerance no clock or time-zone difference explains it;
    -- within it, the export and its records may be stamped on different clocks
    select
        case when is_beyond_tolerance then 'stamped_after_export' else 'stamped_just_after_export' end as anomaly_kind,
        stamp_gaps.*,
        latest_stamp as flagged_at,
        case
            when date_created > exported_at and date_updated > exported_at then {{ dbt.concat([
                "'DateCreated '", as_text('date_created'), "' and DateUpdated '", as_text('date_updated'), "' are '"]) }}
            when date_created > exported_at then {{ dbt.concat(["'DateCreated '", as_text('date_created'), "' is '"]) }}
            else {{ dbt.concat(["'DateUpdated '", as_text('date_updated'), "' is '"]) }}
        end as stamp_text,
        {{ dbt.datediff('exported_at', 'latest_stamp', 'minute') }} as gap_minutes,
        {{ dbt.concat(["' after this export was made ('", 'exported_text', "')'"]) }} as relation_text,
        case
            when is_beyond_tolerance then {{ dbt.concat([
                "': more than '", 'tolerance_hours_text', "' hours, which no clock or time-zone difference explains.'",
                "' Impossible: for the data steward, to send back to the site'"]) }}
            else {{ dbt.concat([
                "': within '", 'tolerance_hours_text', "' hours, so the export and its records may be stamped on'",
                "' different clocks or time zones. For the data steward, to check the clocks with the vendor'",
                "' before correcting records'"]) }}
        end as verdict
    from stamp_gaps
    where latest_stamp > exported_at
        and is_beyond_tolerance is not null
    union all
    select
        'updated_before_created' as anomaly_kind,
        stamp_gaps.*,
        date_updated as flagged_at,
        {{ dbt.concat(["'DateUpdated '", as_text('date_updated'), "' is '"]) }} as stamp_text,
        {{ dbt.datediff('date_updated', 'date_created', 'minute') }} as gap_minutes,
        {{ dbt.concat(["' before DateCreated '", as_text('date_created')]) }} as relation_text,
        ': a record cannot change before it exists. Impossible: for the data steward, to send back to the site' as verdict
    from stamp_gaps
    where date_updated < date_created
),

impossible_stamps as (
    select
        anomaly_kind,
        case anomaly_kind
            when 'updated_before_created' then 'Record updated before it was created'
            when 'stamped_after_export' then 'Record stamped after its export was made'
            else 'Record stamped hours after its export (check the clocks)'
        end as anomaly_label,
        person_id,
        cast(null as {{ dbt.type_string() }}) as worker_id,
        site,
        cast(null as {{ dbt.type_string() }}) as program,
        cast(flagged_at as date) as flagged_date,
        cast(null as {{ dbt.type_float() }}) as observed_value,
        cast(null as {{ dbt.type_float() }}) as expected_value,
        {{ dbt.concat([
            'stamp_text',
            "case when gap_minutes < 2880 then "
                ~ as_text('round(cast(gap_minutes / 60.0 as numeric), 1)') ~ " || ' hours' else "
                ~ as_text('cast(floor(gap_minutes / 1440.0) as ' ~ dbt.type_int() ~ ')') ~ " || ' days' end",
            'relation_text',
            'verdict'
        ]) }} as why,
        {{ source_citation(prefix='evidence') }},
        stamp_key as subject_key,
        -- hours past the possible
        cast(gap_minutes / 60.0 as {{ type_double() }}) as extremity
    from stamp_readings
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
    union all
    select * from impossible_stamps
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
        unioned.evidence_source_row,
        unioned.extremity
    from unioned
    cross join as_of
)

select * from final
