{#
    The supervisor's Monday list: for every open client as of the as-of date, one row per
    missing or incomplete element, graded amber or red, with the one input that fixes it.

    The grade rules are not repeated here: contact lapses, overdue follow-ups and stalls are
    read from client_momentum (int_client_grades decides them). proposed_* describe the input
    as int_touchpoints / int_movement_events would record it on the as-of date, so the report
    can re-run int_client_grades on the client's records plus that input (before -> after).
    An element whose input is not a grading input (a captured stall reason, an annual
    assessment) has no proposed event: re-grading shows its grade unchanged.
#}
with momentum as (
    select * from {{ ref('client_momentum') }}
),

stall_reasons as (
    select * from {{ ref('stall_reasons') }}
),

followups as (
    select * from {{ ref('stg_rubric__followups') }}
),

touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

movement_events as (
    select * from {{ ref('int_movement_events') }}
),

enrollments as (
    select * from {{ ref('int_enrollments') }}
),

income_records as (
    select * from {{ ref('stg_hmis__income_benefits') }}
),

rules as (
    select * from {{ ref('report_rules') }}
),

open_clients as (
    select * from momentum
    where grade <> 'closed'
),

contact_overdue as (
    select
        open_clients.person_id,
        'contact_overdue' as element,
        cast(null as {{ dbt.type_string() }}) as element_detail,
        'Case note overdue' as element_label,
        'amber' as element_grade,
        {{ add_days('coalesce(open_clients.last_contact_date, open_clients.baseline_date)', 'open_clients.contact_cadence_days') }} as due_date,
        case
            when open_clients.last_contact_date is null
                then {{ dbt.concat(["'No contact recorded since the program baseline '", as_text('open_clients.baseline_date'), "'; the cadence is '", as_text('open_clients.contact_cadence_days'), "' days'"]) }}
            else {{ dbt.concat(["'No contact since '", as_text('open_clients.last_contact_date'), "' ('", as_text('open_clients.days_since_contact'), "' days; the cadence is '", as_text('open_clients.contact_cadence_days'), "' days)'"]) }}
        end as what_is_missing,
        'A case note of a contact that reached the client (a visit or a call; an attempted contact does not count)' as fix,
        'touchpoint' as proposed_table,
        'case_note' as proposed_kind,
        'contact' as proposed_detail,
        {{ source_citation(alias='touchpoints', prefix='evidence') }}
    from open_clients
    left join touchpoints
        on touchpoints.touchpoint_key = open_clients.last_contact_key
    where open_clients.is_contact_lapsed
),

followup_overdue as (
    -- overdue_survey_types is the grade's own list ("90_day, 1_year"): one row per type in it
    select
        open_clients.person_id,
        'followup_overdue' as element,
        followups.survey_type as element_detail,
        {{ dbt.concat(["replace(followups.survey_type, '_', '-')", "' follow-up not returned'"]) }} as element_label,
        'amber' as element_grade,
        {{ add_days('open_clients.baseline_date', 'followups.due_days') }} as due_date,
        {{ dbt.concat([
            "'The '", "replace(followups.survey_type, '_', '-')", "' follow-up survey was due '",
            as_text(add_days('open_clients.baseline_date', 'followups.due_days')),
            "' ('", as_text('followups.due_days'), "' days after the baseline '", as_text('open_clients.baseline_date'),
            "') and no response has come back'"
        ]) }} as what_is_missing,
        {{ dbt.concat(["'The client''s '", "replace(followups.survey_type, '_', '-')", "' follow-up survey response'"]) }} as fix,
        'touchpoint' as proposed_table,
        'survey_response' as proposed_kind,
        followups.survey_type as proposed_detail,
        {{ source_citation('stg_hmis__enrollments', 'enrollment_key', alias='enrollments', prefix='evidence') }}
    from open_clients
    inner join followups
        on {{ dbt.position(
            dbt.concat(["', '", 'followups.survey_type', "', '"]),
            dbt.concat(["', '", 'open_clients.overdue_survey_types', "', '"])
        ) }} > 0
    left join enrollments
        on enrollments.enrollment_key = open_clients.program_enrollment_key
),

no_movement as (
    select
        open_clients.person_id,
        'no_movement' as element,
        cast(null as {{ dbt.type_string() }}) as element_detail,
        'No movement recorded' as element_label,
        'red' as element_grade,
        {{ add_months('open_clients.movement_clock_start', 'open_clients.stall_after_months') }} as due_date,
        {{ dbt.concat([
            "'Nothing has moved since '", as_text('open_clients.movement_clock_start'),
            "'; the program''s window of '", as_text('open_clients.stall_after_months'),
            "' months ended '", as_text(add_months('open_clients.movement_clock_start', 'open_clients.stall_after_months'))
        ]) }} as what_is_missing,
        'Take the next step of the service plan with the client (a housing move-in, a job or income increase, a milestone met, a screen improving), then record it' as fix,
        'movement' as proposed_table,
        'milestone_met' as proposed_kind,
        'proposed' as proposed_detail,
        coalesce(movement_events.source_model, 'stg_hmis__enrollments') as evidence_source_model,
        coalesce(movement_events.source_key, enrollments.enrollment_key) as evidence_source_key,
        coalesce(movement_events._load_id, enrollments._load_id) as evidence_load_id,
        coalesce(movement_events._source_file, enrollments._source_file) as evidence_source_file,
        coalesce(movement_events._source_row, enrollments._source_row) as evidence_source_row
    from open_clients
    left join movement_events
        on movement_events.movement_key = open_clients.last_movement_key
        and open_clients.last_movement_date >= open_clients.baseline_date
    left join enrollments
        on enrollments.enrollment_key = open_clients.program_enrollment_key
    where open_clients.grade = 'red'
),

stall_reason_missing as (
    select
        open_clients.person_id,
        'stall_reason_missing' as element,
        cast(null as {{ dbt.type_string() }}) as element_detail,
        'Reason for stall never captured' as element_label,
        'red' as element_grade,
        {{ add_months('open_clients.movement_clock_start', 'open_clients.stall_after_months') }} as due_date,
        {{ dbt.concat([
            "'Stalled since '", as_text('open_clients.movement_clock_start'),
            "' with no reason-for-stall on a service-plan milestone and none found in the case notes'"
        ]) }} as what_is_missing,
        'The reason for the stall, recorded on the stalled service-plan milestone (its reason-for-stall field)' as fix,
        cast(null as {{ dbt.type_string() }}) as proposed_table,
        cast(null as {{ dbt.type_string() }}) as proposed_kind,
        cast(null as {{ dbt.type_string() }}) as proposed_detail,
        {{ source_citation('stg_hmis__enrollments', 'enrollment_key', alias='enrollments', prefix='evidence') }}
    from open_clients
    inner join stall_reasons
        on stall_reasons.person_id = open_clients.person_id
    left join enrollments
        on enrollments.enrollment_key = open_clients.program_enrollment_key
    where stall_reasons.reason_source = 'none'
),

screens_by_recency as (
    select
        open_clients.person_id,
        open_clients.as_of_date,
        touchpoints.detail as instrument,
        touchpoints.event_date,
        {{ source_citation(alias='touchpoints') }},
        row_number() over (
            partition by open_clients.person_id, touchpoints.detail
            order by touchpoints.event_date desc, touchpoints.touchpoint_key desc
        ) as recency
    from open_clients
    inner join touchpoints
        on touchpoints.person_id = open_clients.person_id
        and touchpoints.kind = 'screen'
        and touchpoints.event_date <= open_clients.as_of_date
),

screen_not_repeated as (
    select
        screens_by_recency.person_id,
        'screen_not_repeated' as element,
        screens_by_recency.instrument as element_detail,
        {{ dbt.concat(['screens_by_recency.instrument', "' screen not repeated'"]) }} as element_label,
        'amber' as element_grade,
        {{ add_days('screens_by_recency.event_date', 'rules.screen_repeat_days') }} as due_date,
        {{ dbt.concat([
            "'Last '", 'screens_by_recency.instrument', "' screen on '", as_text('screens_by_recency.event_date'),
            "', '", as_text(days_between('screens_by_recency.event_date', 'screens_by_recency.as_of_date')),
            "' days ago; screens are repeated every '", as_text('rules.screen_repeat_days'), "' days'"
        ]) }} as what_is_missing,
        {{ dbt.concat(["'A repeat '", 'screens_by_recency.instrument', "' screen'"]) }} as fix,
        'touchpoint' as proposed_table,
        'screen' as proposed_kind,
        screens_by_recency.instrument as proposed_detail,
        {{ source_citation(alias='screens_by_recency', prefix='evidence') }}
    from screens_by_recency
    cross join rules
    where screens_by_recency.recency = 1
        and {{ add_days('screens_by_recency.event_date', 'rules.screen_repeat_days') }} < screens_by_recency.as_of_date
),

anniversaries as (
    -- each open enrollment's latest anniversary whose grace period has ended by the as-of date
    select
        open_clients.person_id,
        open_clients.as_of_date,
        enrollments.enrollment_key,
        enrollments.project_type_name,
        enrollments.entry_date,
        enrollments._load_id,
        enrollments._source_file,
        enrollments._source_row,
        rules.recertification_grace_days,
        {{ add_days('enrollments.entry_date',
            'rules.recertification_days * cast(floor(' ~ days_between('enrollments.entry_date', add_days('open_clients.as_of_date', '-1 * rules.recertification_grace_days')) ~ ' * 1.0 / rules.recertification_days) as ' ~ dbt.type_int() ~ ')') }} as due_date
    from open_clients
    inner join enrollments
        on enrollments.person_id = open_clients.person_id
        and enrollments.entry_date <= open_clients.as_of_date
        and (enrollments.exit_date is null or enrollments.exit_date > open_clients.as_of_date)
    cross join rules
    where {{ days_between('enrollments.entry_date', 'open_clients.as_of_date') }}
        > rules.recertification_days + rules.recertification_grace_days
),

annual_assessments as (
    select
        enrollment_key,
        information_date
    from income_records
    where data_collection_stage = 5
),

recertification_overdue as (
    select
        anniversaries.person_id,
        'recertification_overdue' as element,
        anniversaries.enrollment_key as element_detail,
        'Re-certification overdue' as element_label,
        'amber' as element_grade,
        anniversaries.due_date,
        {{ dbt.concat([
            "'Annual assessment for the '", 'anniversaries.project_type_name', "' stay (entered '",
            as_text('anniversaries.entry_date'), "') was due '", as_text('anniversaries.due_date'),
            "'; none recorded since '", as_text(add_days('anniversaries.due_date', '-1 * anniversaries.recertification_grace_days'))
        ]) }} as what_is_missing,
        'An annual assessment for this stay (income and benefits, data collection stage 5)' as fix,
        cast(null as {{ dbt.type_string() }}) as proposed_table,
        cast(null as {{ dbt.type_string() }}) as proposed_kind,
        cast(null as {{ dbt.type_string() }}) as proposed_detail,
        {{ source_citation('stg_hmis__enrollments', 'enrollment_key', alias='anniversaries', prefix='evidence') }}
    from anniversaries
    left join annual_assessments
        on annual_assessments.enrollment_key = anniversaries.enrollment_key
        and annual_assessments.information_date >= {{ add_days('anniversaries.due_date', '-1 * anniversaries.recertification_grace_days') }}
        and annual_assessments.information_date <= anniversaries.as_of_date
    where annual_assessments.enrollment_key is null
),

unioned as (
    select * from contact_overdue
    union all
    select * from followup_overdue
    union all
    select * from no_movement
    union all
    select * from stall_reason_missing
    union all
    select * from screen_not_repeated
    union all
    select * from recertification_overdue
),

joined as (
    select
        {{ dbt.concat(['unioned.person_id', "'|'", 'unioned.element', "coalesce(" ~ dbt.concat(["':'", 'unioned.element_detail']) ~ ", '')"]) }} as element_key,
        unioned.person_id,
        open_clients.as_of_date,
        open_clients.grade,
        open_clients.site,
        open_clients.program,
        unioned.element,
        unioned.element_detail,
        unioned.element_label,
        unioned.element_grade,
        unioned.due_date,
        unioned.what_is_missing,
        unioned.fix,
        unioned.proposed_table,
        unioned.proposed_kind,
        unioned.proposed_detail,
        unioned.evidence_source_model,
        unioned.evidence_source_key,
        unioned.evidence_load_id,
        unioned.evidence_source_file,
        unioned.evidence_source_row
    from unioned
    inner join open_clients
        on open_clients.person_id = unioned.person_id
)

select * from joined
