{#
    Before -> after for the Missing & incomplete report: the grade each client on the list
    would have on the as-of date with one proposed input added (report_missing_elements,
    proposed_*), through the same rule as every grade (macros/momentum_grades.sql).

    Scenarios per client: `<person>|baseline` (nothing added: must reproduce client_momentum,
    a test says so), one per element (its element_key: that element's input alone, dated
    the as-of date) and `<person>|all` (every input together). Each scenario grades a copy of
    the client's own enrollments, movement events and touchpoints under the scenario key, so
    a proposal never leaks into another scenario. An element whose input the rule does not
    read (a captured stall reason, an annual assessment) is graded too, and comes out
    unchanged by construction.
#}
with elements as (
    select * from {{ ref('report_missing_elements') }}
),

as_of_dates as (
    select * from {{ ref('int_as_of_dates') }}
    where is_current
),

thresholds as (
    select * from {{ ref('stg_rubric__thresholds') }}
),

followups as (
    select * from {{ ref('stg_rubric__followups') }}
),

scenarios as (
    select distinct
        {{ dbt.concat(['person_id', "'|baseline'"]) }} as scenario_key,
        person_id,
        'baseline' as scenario,
        cast(null as {{ dbt.type_string() }}) as element_key
    from elements
    union all
    select
        element_key as scenario_key,
        person_id,
        'element' as scenario,
        element_key
    from elements
    union all
    select distinct
        {{ dbt.concat(['person_id', "'|all'"]) }} as scenario_key,
        person_id,
        'all' as scenario,
        cast(null as {{ dbt.type_string() }}) as element_key
    from elements
),

proposals as (
    -- each element's proposed input, in its own scenario and in its client's `all`
    select
        element_key as scenario_key,
        proposed_table,
        proposed_kind,
        proposed_detail
    from elements
    where proposed_table is not null
    union all
    select distinct
        {{ dbt.concat(['person_id', "'|all'"]) }} as scenario_key,
        proposed_table,
        proposed_kind,
        proposed_detail
    from elements
    where proposed_table is not null
),

proposed_events as (
    select
        proposals.proposed_table as input_table,
        proposals.scenario_key as person_id,
        as_of_dates.as_of_date as event_date,
        proposals.proposed_kind as kind,
        proposals.proposed_detail as detail,
        {{ dbt.concat([
            "'proposed:'", 'proposals.scenario_key', "':'", 'proposals.proposed_kind', "':'",
            "coalesce(proposals.proposed_detail, '')"]) }} as event_key
    from proposals
    cross join as_of_dates
),

own_events as (
    -- a listed client's events the rule can read on the as-of date: the newest movement and
    -- the newest contact on or before it (in the rule's recency order) and every survey
    -- response by then. Enough: the rule takes the newest of each, and the newest of these
    -- plus a proposed event is the newest of all of them plus it; survey responses answer
    -- follow-ups. Copying only these into each scenario keeps the scenarios small.
    select *
    from (
        select
            events.*,
            row_number() over (
                partition by events.input_table, events.person_id
                order by events.event_date desc, events.kind, events.event_key
            ) as recency
        from (
            select
                'movement' as input_table,
                person_id,
                event_date,
                kind,
                detail,
                movement_key as event_key
            from {{ ref('int_movement_events') }}
            union all
            select
                'touchpoint' as input_table,
                person_id,
                event_date,
                kind,
                detail,
                touchpoint_key as event_key
            from {{ ref('int_touchpoints') }}
        ) as events
        cross join as_of_dates
        where events.event_date <= as_of_dates.as_of_date
            and events.person_id in (select person_id from elements)
    ) as ranked
    where recency = 1
        or (input_table = 'touchpoint' and kind = 'survey_response')
),

scenario_events as (
    -- each scenario's copy of its client's events, and the input it proposes
    select
        own_events.input_table,
        scenarios.scenario_key as person_id,
        own_events.event_date,
        own_events.kind,
        own_events.detail,
        own_events.event_key
    from scenarios
    inner join own_events
        on own_events.person_id = scenarios.person_id
    union all
    select * from proposed_events
),

enrollments as (
    select
        scenarios.scenario_key as person_id,
        own.enrollment_key,
        own.site,
        own.project_type,
        own.project_type_name,
        own.entry_date,
        own.exit_date
    from scenarios
    inner join {{ ref('int_enrollments') }} as own
        on own.person_id = scenarios.person_id
),

movement_events as (
    select person_id, event_date, kind, event_key as movement_key
    from scenario_events
    where input_table = 'movement'
),

touchpoints as (
    select person_id, event_date, kind, detail, event_key as touchpoint_key
    from scenario_events
    where input_table = 'touchpoint'
),

{{ momentum_grades() }},

final as (
    select
        scenarios.scenario_key,
        scenarios.person_id,
        scenarios.scenario,
        scenarios.element_key,
        explained.as_of_date,
        explained.grade,
        explained.grade_label,
        explained.grade_reason
    from scenarios
    inner join explained
        on explained.person_id = scenarios.scenario_key
)

select * from final
