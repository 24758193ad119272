{#
    SPM Measure 1 (length of time homeless), one row per reporting period x metric x person x
    reporting group: the person's nights homeless in the metric's projects. Metric es_sh
    counts emergency shelter and safe haven (HUD 1a.1), es_sh_th adds transitional housing
    (1a.2).

    - A night is a date the person slept in the project: entry/exit stays count the entry
      night through the night before exit (an open stay through the period end);
      night-by-night shelters count only their bed-night services (RecordType 200).
    - Nights are counted once per person however many stays overlap, across sites: stays are
      merged per person (person_id) before counting.
    - Nights housed in permanent housing after move-in do not count; for es_sh nights in
      transitional housing do not count either (HUD: those stays negate homeless nights).
    - Nights count from m1_lookback_start (the period start less spm_days m1_lookback_days)
      to the period end; a person is in the universe with at least one night in the period.
    - Each reporting group (macro spm_reporting_levels) merges only its own stays, so a
      person has one row per group they stayed in, and a de-duplicated row per CoC.
    - Each reporting period (int_hud_reporting_period) counts its own nights: stays are cut
      to its look-back and its end, an open stay runs to its end.
#}
{%- set group_keys = ['period_index', 'metric', 'person_id', 'reporting_level', 'level_order',
                      'coc_code', 'site', 'project_type', 'project_type_name'] -%}

with period as (
    select * from {{ ref('int_hud_reporting_period') }}
),

enrollments as (
    select * from {{ ref('int_hud_enrollments') }}
),

services as (
    select * from {{ ref('stg_hmis__services') }}
),

levels as (
    {{ spm_reporting_levels() }}
),

entry_exit_stays as (
    select
        period.period_index,
        enrollments.enrollment_key,
        enrollments.person_id,
        {{ spm_group_columns('enrollments') }},
        enrollments.entry_date as night_start,
        coalesce(enrollments.exit_date, {{ add_days('period.period_end', 1) }}) as night_end
    from enrollments
    cross join period
    where {{ in_project_types('enrollments.project_type', 'm1_es_sh_th') }}
        and not {{ in_project_types('enrollments.project_type', 'es_night_by_night') }}
        and enrollments.entry_date is not null
),

bed_nights as (
    -- night-by-night shelters: one night per bed-night service inside the enrollment
    select
        period.period_index,
        enrollments.enrollment_key,
        enrollments.person_id,
        {{ spm_group_columns('enrollments') }},
        services.date_provided as night_start,
        {{ add_days('services.date_provided', 1) }} as night_end
    from enrollments
    inner join services
        on services.enrollment_key = enrollments.enrollment_key
    cross join period
    where {{ in_project_types('enrollments.project_type', 'es_night_by_night') }}
        and services.record_type = 200
        and services.date_provided >= enrollments.entry_date
        and (enrollments.exit_date is null or services.date_provided < enrollments.exit_date)
),

stays as (
    select * from entry_exit_stays
    union all
    select * from bed_nights
),

clipped_stays as (
    -- the nights inside the period's look-back and the period
    select
        stays.period_index,
        stays.enrollment_key,
        stays.person_id,
        {{ spm_group_columns('stays') }},
        greatest(stays.night_start, period.m1_lookback_start) as night_start,
        least(stays.night_end, {{ add_days('period.period_end', 1) }}) as night_end
    from stays
    inner join period
        on period.period_index = stays.period_index
    where stays.night_start <= period.period_end
        and stays.night_end > period.m1_lookback_start
        and stays.night_end > stays.night_start
),

metric_stays as (
    select 'es_sh' as metric, clipped_stays.*
    from clipped_stays
    where {{ in_project_types('project_type', 'm1_es_sh') }}

    union all

    select 'es_sh_th' as metric, clipped_stays.*
    from clipped_stays
    where {{ in_project_types('project_type', 'm1_es_sh_th') }}
),

grouped_stays as (
    select
        metric_stays.period_index,
        metric_stays.metric,
        metric_stays.person_id,
        {{ spm_level_columns('metric_stays') }},
        metric_stays.night_start,
        metric_stays.night_end
    from metric_stays
    cross join levels
),

stay_islands as (
    {{ merge_intervals('grouped_stays', group_keys, 'night_start', 'night_end') }}
),

housed_stays as (
    -- stays whose nights are not homeless nights for the metric
    select
        period.period_index,
        enrollments.person_id,
        enrollments.project_type,
        case
            when {{ in_project_types('enrollments.project_type', 'th') }} then enrollments.entry_date
            else enrollments.move_in_date
        end as night_start,
        coalesce(enrollments.exit_date, {{ add_days('period.period_end', 1) }}) as night_end
    from enrollments
    cross join period
    where (
            {{ in_project_types('enrollments.project_type', 'ph') }}
            and enrollments.move_in_date is not null
        )
        or {{ in_project_types('enrollments.project_type', 'th') }}
),

negating_stays as (
    select period_index, 'es_sh' as metric, person_id, night_start, night_end
    from housed_stays
    where night_end > night_start

    union all

    select period_index, 'es_sh_th' as metric, person_id, night_start, night_end
    from housed_stays
    where {{ in_project_types('project_type', 'ph') }}
        and night_end > night_start
),

housed_islands as (
    {{ merge_intervals('negating_stays', ['period_index', 'metric', 'person_id'], 'night_start', 'night_end') }}
),

island_spans as (
    -- every island whole (look-back and period) and clipped to the period
    select stay_islands.*, 'total' as span
    from stay_islands

    union all

    select
        {%- for key in group_keys %}
        stay_islands.{{ key }},
        {%- endfor %}
        greatest(stay_islands.night_start, period.period_start) as night_start,
        stay_islands.night_end,
        'period' as span
    from stay_islands
    inner join period
        on period.period_index = stay_islands.period_index
    where stay_islands.night_end > period.period_start
),

housed_overlaps as (
    -- nights an island shares with housed islands (both sets are disjoint within a person)
    select
        {%- for key in group_keys %}
        island_spans.{{ key }},
        {%- endfor %}
        island_spans.span,
        island_spans.night_start,
        sum(
            {{ days_between(
                'greatest(island_spans.night_start, housed_islands.night_start)',
                'least(island_spans.night_end, housed_islands.night_end)'
            ) }}
        ) as housed_nights
    from island_spans
    inner join housed_islands
        on housed_islands.period_index = island_spans.period_index
        and housed_islands.metric = island_spans.metric
        and housed_islands.person_id = island_spans.person_id
        and housed_islands.night_start < island_spans.night_end
        and housed_islands.night_end > island_spans.night_start
    group by
        {%- for key in group_keys %}
        island_spans.{{ key }},
        {%- endfor %}
        island_spans.span,
        island_spans.night_start
),

island_nights as (
    select
        island_spans.*,
        {{ days_between('island_spans.night_start', 'island_spans.night_end') }}
        - coalesce(housed_overlaps.housed_nights, 0) as nights
    from island_spans
    left join housed_overlaps
        on housed_overlaps.period_index = island_spans.period_index
        and housed_overlaps.metric = island_spans.metric
        and housed_overlaps.person_id = island_spans.person_id
        and housed_overlaps.reporting_level = island_spans.reporting_level
        and housed_overlaps.coc_code = island_spans.coc_code
        and housed_overlaps.site = island_spans.site
        and housed_overlaps.project_type_name = island_spans.project_type_name
        and housed_overlaps.span = island_spans.span
        and housed_overlaps.night_start = island_spans.night_start
),

person_nights as (
    select
        {{ group_keys | join(',\n        ') }},
        cast(sum(case when span = 'total' then nights else 0 end) as {{ dbt.type_int() }}) as nights_total,
        cast(sum(case when span = 'period' then nights else 0 end) as {{ dbt.type_int() }}) as nights_in_period
    from island_nights
    group by {{ group_keys | join(', ') }}
),

universe as (
    select
        {{ spm_period_columns('period') }},
        {%- for key in group_keys if key != 'period_index' %}
        person_nights.{{ key }},
        {%- endfor %}
        person_nights.nights_total,
        person_nights.nights_in_period
    from person_nights
    inner join period
        on period.period_index = person_nights.period_index
    where person_nights.nights_in_period > 0
)

select * from universe
